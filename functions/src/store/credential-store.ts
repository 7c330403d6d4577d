import { randomUUID } from "node:crypto";
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../domain/canonical-json";
import { seal, unseal, type Credentials, type Keyring } from "../domain/credentials";
import type { Platform } from "../domain/platforms";
import { COLLECTIONS } from "./collections";
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

  /** Stores new credentials (a connection or reconnection), keeping a refresh token not resent. */
  async write(account: AccountRef, credentials: Credentials): Promise<number> {
    return this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(this.ref(account))).data();
      const previous = doc ? this.open(account, doc).credentials : null;
      const merged = { ...credentials, refreshToken: credentials.refreshToken ?? previous?.refreshToken ?? null };
      const version = (doc?.version ?? 0) + 1;
      tx.set(this.ref(account).withConverter(null), this.docData(account, merged, version));
      return version;
    });
  }

  private docData(account: AccountRef, credentials: Credentials, version: number) {
    return {
      userId: account.userId,
      platform: account.platform,
      accountId: account.accountId,
      sealed: seal(credentials, this.keyring(), this.associatedData(account)),
      version,
      expiresAt: credentials.expiresAt ? Timestamp.fromDate(new Date(credentials.expiresAt)) : null,
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
    // token, and the new one exists nowhere else.
    const version = await this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(this.ref(account))).data();
      const next = Math.max(doc?.version ?? 0, stored.version) + 1;
      tx.set(this.ref(account).withConverter(null), this.docData(account, merged, next));
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
}
