import { randomUUID } from "node:crypto";
import {
  FieldValue,
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
} from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../domain/canonical-json";
import { healthOf, tokenSchedule } from "../domain/account-health";
import { seal, unseal, type Credentials, type Keyring } from "../domain/credentials";
import type { AccountRef, TokenDates } from "../domain/account-ref";
import type { Platform } from "../domain/platforms";
import { accountDisconnectedError } from "../domain/publish-error";
import { accountDoc } from "./account-refs";
import { COLLECTIONS } from "./collections";
import { GRPC, grpcCode } from "./grpc-status";
import { converter, recordOf, wellFormed } from "./records";

/** The document id for an account in the internal per-account collections (credentials, usage). */
export function accountKey(account: AccountRef): string {
  return sha256Hex(`${account.userId}/${account.platform}/${account.accountId}`);
}

export interface StoredCredentials {
  credentials: Credentials;
  version: number;
  /** The connection these credentials came from: every connection starts a new one, refreshes keep it. */
  grantId: string | null;
}

/** How a platform renews credentials, and how it revokes ones nobody may keep. */
export interface Renewal {
  /** The platform's refresh grant; null when it cannot refresh (the user must reconnect). */
  grant: (current: Credentials) => Promise<Credentials | null>;
  /** Revokes a grant at the platform (best effort); false when the platform offers no revocation. */
  revoke: (credentials: Credentials) => Promise<boolean>;
}

const credentialDocSchema = z.object({
  userId: z.string(),
  platform: z.string(),
  accountId: z.string(),
  sealed: z.object({ keyId: z.string(), iv: z.string(), tag: z.string(), ciphertext: z.string() }),
  version: z.number().int(),
  /** Set by each connection (absent on documents written before it existed); refreshes keep it. */
  grantId: z.string().nullable().optional(),
  /** In clear, so token health can be checked without decrypting anything. */
  expiresAt: z.instanceof(Timestamp).nullable(),
  /** When the token-health job renews these credentials (domain/account-health.ts); null: never. */
  renewAt: z.instanceof(Timestamp).nullable().optional(),
  /** When the connection stops working unless the user reconnects; null: not foreseeable. */
  reconnectBy: z.instanceof(Timestamp).nullable().optional(),
  refreshLease: z.object({ holder: z.string(), until: z.instanceof(Timestamp) }).nullable(),
  updatedAt: z.instanceof(Timestamp).optional(),
});
type CredentialDoc = z.infer<typeof credentialDocSchema>;
const credentialConverter = converter(credentialDocSchema, "credentials");

/** How long a refresh may hold the lease before another delivery may try. */
const REFRESH_LEASE_MS = 30_000;
const WAIT_POLL_MS = 200;

/**
 * The only reader and writer of account credentials. They are sealed with AES-256-GCM (domain/
 * credentials.ts) in `credentials/{hash}`, a collection no client rule can read.
 *
 * Refreshes are rotation-safe: one delivery at a time holds a lease and calls the platform; the
 * others wait for its result instead of spending the same single-use refresh token (which on X and
 * TikTok would revoke the whole token family). A platform that does not resend the refresh token
 * keeps the one we had.
 */
export class CredentialStore {
  constructor(
    private readonly db: Firestore,
    private readonly keyring: () => Keyring,
    private readonly clock: () => Date = () => new Date(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private ref(account: AccountRef): DocumentReference<CredentialDoc> {
    return this.db.collection(COLLECTIONS.credentials).withConverter(credentialConverter).doc(accountKey(account));
  }

  private associatedData(account: AccountRef): string {
    return `${account.userId}/${account.platform}/${account.accountId}`;
  }

  private open(account: AccountRef, doc: CredentialDoc): StoredCredentials {
    return {
      credentials: unseal(doc.sealed, this.keyring(), this.associatedData(account)),
      version: doc.version,
      grantId: doc.grantId ?? null,
    };
  }

  async read(account: AccountRef): Promise<StoredCredentials | null> {
    const doc = recordOf(await this.ref(account).get());
    return doc ? this.open(account, doc) : null;
  }

  /**
   * The credentials a delivery is to publish with, or why there are none. The account's status is
   * read with them: during a disconnect the account is marked before its credentials are revoked
   * and deleted, and a delivery starting then must not publish with them.
   */
  async readForUse(account: AccountRef): Promise<StoredCredentials | "disconnected" | "missing"> {
    const [snap, shown] = await Promise.all([this.ref(account).get(), accountDoc(this.db, account).get()]);
    const doc = recordOf(snap);
    if (doc ? leftBehind(doc, shown) : shown.get("status") === "disconnected") return "disconnected";
    return doc ? this.open(account, doc) : "missing";
  }

  /**
   * Stores new credentials (a connection or reconnection), keeping a refresh token the platform
   * did not resend, under a new grant id: a refresh of the connection these replace must not
   * overwrite them. Returns the token dates the account document shows.
   */
  async write(account: AccountRef, credentials: Credentials): Promise<TokenDates> {
    return this.db.runTransaction(async (tx) => {
      const doc = recordOf(await tx.get(this.ref(account)));
      const previous = doc ? this.openOrNull(account, doc) : null;
      const merged = { ...credentials, refreshToken: credentials.refreshToken ?? previous?.refreshToken ?? null };
      const version = (doc?.version ?? 0) + 1;
      const data = this.docData(account, merged, version, randomUUID());
      tx.set(this.ref(account).withConverter(null), data);
      return { tokenExpiresAt: data.expiresAt?.toDate() ?? null, reconnectBy: data.reconnectBy?.toDate() ?? null };
    });
  }

  /** Earlier credentials sealed under a key since retired cannot be merged from; they are replaced. */
  private openOrNull(account: AccountRef, doc: CredentialDoc): Credentials | null {
    try {
      return this.open(account, doc).credentials;
    } catch {
      return null;
    }
  }

  private docData(account: AccountRef, credentials: Credentials, version: number, grantId: string | null) {
    const schedule = tokenSchedule(account.platform, credentials);
    return {
      userId: account.userId,
      platform: account.platform,
      accountId: account.accountId,
      sealed: seal(credentials, this.keyring(), this.associatedData(account)),
      version,
      grantId,
      expiresAt: credentials.expiresAt ? Timestamp.fromDate(new Date(credentials.expiresAt)) : null,
      renewAt: schedule.renewAt ? Timestamp.fromDate(schedule.renewAt) : null,
      reconnectBy: schedule.reconnectBy ? Timestamp.fromDate(schedule.reconnectBy) : null,
      refreshLease: null,
      updatedAt: FieldValue.serverTimestamp(),
    };
  }

  /**
   * Refreshes the credentials seen at `observedVersion` through `renewal`, unless someone else
   * already did (then their result is returned). Null when the platform cannot refresh. A
   * disconnect wins every race: if the account is disconnected before the refresh is stored, the
   * credentials are not written back, the fresh ones are revoked at the platform, and this throws
   * `account_disconnected`.
   */
  async refresh(account: AccountRef, observedVersion: number, renewal: Renewal): Promise<StoredCredentials | null> {
    const holder = randomUUID();
    const deadline = this.clock().getTime() + REFRESH_LEASE_MS;
    for (;;) {
      const take = await this.takeLease(account, observedVersion, holder);
      if (take.kind === "disconnected") return this.disconnected(account, take.lingering, renewal);
      if (take.kind === "newer") return take.stored;
      if (take.kind === "mine") return this.runGrant(account, take.stored, holder, renewal);
      if (this.clock().getTime() > deadline) return null;
      await this.sleep(WAIT_POLL_MS);
    }
  }

  /**
   * Only a disconnect deletes credentials, so a document gone is a disconnected account. One
   * left behind (a disconnect in progress, or one that stopped half way) goes now, and its tokens
   * are revoked, rather than renewed forever.
   */
  private async takeLease(account: AccountRef, observedVersion: number, holder: string) {
    return this.db.runTransaction(async (tx) => {
      const doc = recordOf(await tx.get(this.ref(account)));
      if (!doc) return { kind: "disconnected" as const, lingering: null };
      if (leftBehind(doc, await tx.get(accountDoc(this.db, account)))) {
        tx.delete(this.ref(account));
        return { kind: "disconnected" as const, lingering: this.openOrNull(account, doc) };
      }
      if (doc.version !== observedVersion) return { kind: "newer" as const, stored: this.open(account, doc) };
      const now = this.clock();
      if (doc.refreshLease && doc.refreshLease.until.toMillis() > now.getTime()) return { kind: "busy" as const };
      tx.update(this.ref(account).withConverter(null), {
        refreshLease: { holder, until: Timestamp.fromMillis(now.getTime() + REFRESH_LEASE_MS) },
      });
      return { kind: "mine" as const, stored: this.open(account, doc) };
    });
  }

  private async runGrant(
    account: AccountRef,
    stored: StoredCredentials,
    holder: string,
    renewal: Renewal,
  ): Promise<StoredCredentials | null> {
    let fresh: Credentials | null;
    try {
      fresh = await renewal.grant(stored.credentials);
    } catch (error) {
      await this.releaseLease(account, holder);
      throw error;
    }
    if (!fresh) {
      await this.releaseLease(account, holder);
      return null;
    }
    const merged: Credentials = {
      ...fresh,
      refreshToken: fresh.refreshToken ?? stored.credentials.refreshToken,
      extra: { ...stored.credentials.extra, ...fresh.extra },
    };
    // Written whatever happened to the lease meanwhile (the platform has rotated the refresh
    // token, and the new one exists nowhere else), unless the connection itself ended since the
    // lease was taken: a disconnect (the document gone, or left behind) or a new connection
    // (another grant id). The account document shows the new expiry.
    const outcome = await this.db.runTransaction(async (tx) => {
      const doc = recordOf(await tx.get(this.ref(account)));
      const shown = await tx.get(accountDoc(this.db, account));
      if (!doc) return { kind: "disconnected" as const };
      if ((doc.grantId ?? null) !== stored.grantId)
        return { kind: "replaced" as const, stored: this.open(account, doc) };
      if (leftBehind(doc, shown)) {
        tx.delete(this.ref(account));
        return { kind: "disconnected" as const };
      }
      const version = Math.max(doc.version, stored.version) + 1;
      const data = this.docData(account, merged, version, stored.grantId);
      tx.set(this.ref(account).withConverter(null), data);
      if (shown.exists && shown.get("status") === "active") {
        tx.update(shown.ref, {
          tokenExpiresAt: data.expiresAt,
          reconnectBy: data.reconnectBy,
          health: healthOf("active", data.reconnectBy?.toDate() ?? null, this.clock()),
        });
      }
      return { kind: "written" as const, stored: { credentials: merged, version, grantId: stored.grantId } };
    });
    if (outcome.kind === "disconnected") return this.disconnected(account, merged, renewal);
    // Reconnected meanwhile: the new connection's credentials are the ones to use. The fresh
    // ones are dropped, not revoked: on some platforms (Google) a revocation ends every token
    // the user granted the app, the new connection's included.
    return outcome.stored;
  }

  /** The refresh lost to a disconnect: revoke what it obtained (or found lingering), and say so. */
  private async disconnected(account: AccountRef, orphan: Credentials | null, renewal: Renewal): Promise<never> {
    if (orphan) await renewal.revoke(orphan).catch(() => false);
    throw accountDisconnectedError(account.platform, account.accountId);
  }

  private async releaseLease(account: AccountRef, holder: string): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const doc = recordOf(await tx.get(this.ref(account)));
      if (doc?.refreshLease?.holder === holder)
        tx.update(this.ref(account).withConverter(null), { refreshLease: null });
    });
  }

  /** Forgets an account's credentials (after a disconnect). */
  async delete(account: AccountRef): Promise<void> {
    await this.ref(account).delete();
  }

  /** Credentials the token-health job should renew now, oldest due first. */
  async dueForRenewal(now: Date, limit: number): Promise<ScheduledCredentials[]> {
    return this.scheduled("renewAt", now, limit);
  }

  /** Connections that stop working by `by` unless the user reconnects. */
  async reconnectingBy(by: Date, limit: number): Promise<ScheduledCredentials[]> {
    return this.scheduled("reconnectBy", by, limit);
  }

  private async scheduled(field: "renewAt" | "reconnectBy", until: Date, limit: number) {
    const snap = await this.db
      .collection(COLLECTIONS.credentials)
      .withConverter(credentialConverter)
      .where(field, "<=", Timestamp.fromDate(until))
      .orderBy(field)
      .limit(limit)
      .get();
    return wellFormed(snap).map(({ data: doc }) => {
      return {
        account: { userId: doc.userId, platform: doc.platform as Platform, accountId: doc.accountId },
        version: doc.version,
        reconnectBy: doc.reconnectBy?.toDate() ?? null,
      };
    });
  }

  /** A renewal failed for a passing reason: try again later instead of at every run of the job. */
  postponeRenewal(account: AccountRef, until: Date): Promise<void> {
    return this.postponeRenewalTo(account, until);
  }

  /** Nothing more can renew these credentials (the user must reconnect): stop trying. */
  stopRenewing(account: AccountRef): Promise<void> {
    return this.postponeRenewalTo(account, null);
  }

  private async postponeRenewalTo(account: AccountRef, until: Date | null): Promise<void> {
    try {
      await this.ref(account)
        .withConverter(null)
        .update({ renewAt: until ? Timestamp.fromDate(until) : null });
    } catch (error) {
      if (grpcCode(error) !== GRPC.NOT_FOUND) throw error;
    }
  }
}

/**
 * Credentials a disconnect left behind: the account is marked disconnected and they were written
 * before it was. A reconnection writes new credentials first and marks the account active after:
 * those, newer than the mark, are not left behind.
 */
function leftBehind(doc: CredentialDoc, shown: DocumentSnapshot): boolean {
  if (shown.get("status") !== "disconnected") return false;
  const mark = shown.get("disconnectedAt") as unknown;
  return !(mark instanceof Timestamp) || !doc.updatedAt || doc.updatedAt.toMillis() <= mark.toMillis();
}

export interface ScheduledCredentials {
  account: AccountRef;
  version: number;
  reconnectBy: Date | null;
}
