import { randomUUID } from "node:crypto";
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../domain/canonical-json";
import { healthOf, tokenSchedule } from "../domain/account-health";
import { seal, unseal, type Credentials, type Keyring } from "../domain/credentials";
import type { Platform } from "../domain/platforms";
import { accountDoc } from "./account-refs";
import type { TokenDates } from "./account-store";
import { COLLECTIONS } from "./collections";
import { GRPC, grpcCode } from "./grpc-status";
import { converter } from "./records";

export interface AccountRef {
  userId: string;
  platform: Platform;
  accountId: string;
}

/** The document id for an account in the internal per-account collections (credentials, usage). */
export function accountKey(account: AccountRef): string {
  return sha256Hex(`${account.userId}/${account.platform}/${account.accountId}`);
}

export interface StoredCredentials {
  credentials: Credentials;
  version: number;
}

const credentialDocSchema = z.object({
  userId: z.string(),
  platform: z.string(),
  accountId: z.string(),
  sealed: z.object({ keyId: z.string(), iv: z.string(), tag: z.string(), ciphertext: z.string() }),
  version: z.number().int(),
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
    return { credentials: unseal(doc.sealed, this.keyring(), this.associatedData(account)), version: doc.version };
  }

  async read(account: AccountRef): Promise<StoredCredentials | null> {
    const doc = (await this.ref(account).get()).data();
    return doc ? this.open(account, doc) : null;
  }

  /**
   * Stores new credentials (a connection or reconnection), keeping a refresh token the platform
   * did not resend. Returns the token dates the account document shows.
   */
  async write(account: AccountRef, credentials: Credentials): Promise<TokenDates> {
    return this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(this.ref(account))).data();
      const previous = doc ? this.openOrNull(account, doc) : null;
      const merged = { ...credentials, refreshToken: credentials.refreshToken ?? previous?.refreshToken ?? null };
      const version = (doc?.version ?? 0) + 1;
      const data = this.docData(account, merged, version);
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

  private docData(account: AccountRef, credentials: Credentials, version: number) {
    const schedule = tokenSchedule(account.platform, credentials);
    return {
      userId: account.userId,
      platform: account.platform,
      accountId: account.accountId,
      sealed: seal(credentials, this.keyring(), this.associatedData(account)),
      version,
      expiresAt: credentials.expiresAt ? Timestamp.fromDate(new Date(credentials.expiresAt)) : null,
      renewAt: schedule.renewAt ? Timestamp.fromDate(schedule.renewAt) : null,
      reconnectBy: schedule.reconnectBy ? Timestamp.fromDate(schedule.reconnectBy) : null,
      refreshLease: null,
      updatedAt: FieldValue.serverTimestamp(),
    };
  }

  /**
   * Refreshes the credentials seen at `observedVersion` with `grant`, unless someone else already
   * did (then their result is returned). `grant` returns null when the platform cannot refresh.
   */
  async refresh(
    account: AccountRef,
    observedVersion: number,
    grant: (current: Credentials) => Promise<Credentials | null>,
  ): Promise<StoredCredentials | null> {
    const holder = randomUUID();
    const deadline = this.clock().getTime() + REFRESH_LEASE_MS;
    for (;;) {
      const take = await this.takeLease(account, observedVersion, holder);
      if (take.kind === "gone") return null;
      if (take.kind === "newer") return take.stored;
      if (take.kind === "mine") return this.runGrant(account, take.stored, holder, grant);
      if (this.clock().getTime() > deadline) return null;
      await this.sleep(WAIT_POLL_MS);
    }
  }

  private async takeLease(account: AccountRef, observedVersion: number, holder: string) {
    return this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(this.ref(account))).data();
      if (!doc) return { kind: "gone" as const };
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
    grant: (current: Credentials) => Promise<Credentials | null>,
  ): Promise<StoredCredentials | null> {
    let fresh: Credentials | null;
    try {
      fresh = await grant(stored.credentials);
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
    // Written whatever happened to the lease meanwhile: the platform has rotated the refresh
    // token, and the new one exists nowhere else. The account document shows the new expiry.
    const version = await this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(this.ref(account))).data();
      const shown = await tx.get(accountDoc(this.db, account));
      const next = Math.max(doc?.version ?? 0, stored.version) + 1;
      const data = this.docData(account, merged, next);
      tx.set(this.ref(account).withConverter(null), data);
      if (shown.exists && shown.get("status") === "active") {
        tx.update(shown.ref, {
          tokenExpiresAt: data.expiresAt,
          reconnectBy: data.reconnectBy,
          health: healthOf("active", data.reconnectBy?.toDate() ?? null, this.clock()),
        });
      }
      return next;
    });
    return { credentials: merged, version };
  }

  private async releaseLease(account: AccountRef, holder: string): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(this.ref(account))).data();
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
    return snap.docs.map((d) => {
      const doc = d.data();
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

export interface ScheduledCredentials {
  account: AccountRef;
  version: number;
  reconnectBy: Date | null;
}
