import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../domain/canonical-json";
import type { Keyring } from "../domain/credentials";
import { OAUTH_STATE_TTL_MS, ACCOUNT_SELECTION_TTL_MS } from "../domain/oauth";
import { PLATFORMS, type Platform } from "../domain/platforms";
import type { AccountProfile } from "./account-store";
import { COLLECTIONS } from "./collections";
import { converter, recordOf } from "./records";
import {
  openAccounts,
  profileSchema,
  sealAccounts,
  sealedSchema,
  type AccountWithCredentials,
} from "./sealed-accounts";

const stateSchema = z.object({
  userId: z.string(),
  platform: z.enum(PLATFORMS),
  returnTo: z.string(),
  /** PKCE verifier (X, TikTok); useless without the code, and in a collection no client reads. */
  codeVerifier: z.string().nullable(),
  createdAt: z.instanceof(Timestamp),
  /** Also the TTL policy's field: Firestore deletes the document after it. */
  expireAt: z.instanceof(Timestamp),
  usedAt: z.instanceof(Timestamp).nullable(),
});
export type OAuthStateRecord = z.infer<typeof stateSchema>;
const stateConverter = converter(stateSchema, "OAuth state");

const selectionSchema = z.object({
  userId: z.string(),
  platform: z.enum(PLATFORMS),
  returnTo: z.string(),
  accounts: z.array(profileSchema),
  /** The accounts' credentials, sealed like stored credentials, by account id. */
  sealed: sealedSchema,
  expireAt: z.instanceof(Timestamp),
  usedAt: z.instanceof(Timestamp).nullable(),
});
const selectionConverter = converter(selectionSchema, "account selection");

export type ConsumeResult =
  | { kind: "ok"; record: OAuthStateRecord }
  | { kind: "expired"; record: OAuthStateRecord }
  | { kind: "used" | "unknown" };

export interface PendingSelection {
  platform: Platform;
  returnTo: string;
  accounts: AccountProfile[];
  expiresAt: Date;
}

/**
 * Connect attempts in flight: `oauthStates/{sha256(state)}` (single-use, 10 minutes, bound to the
 * user who started it) and `accountSelections/{id}` (the accounts a consent returned when there
 * are several to choose among, tokens sealed). Neither collection is readable by any client.
 */
export class OAuthStateStore {
  constructor(
    private readonly db: Firestore,
    private readonly keyring: () => Keyring,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private stateRef(state: string) {
    return this.db.collection(COLLECTIONS.oauthStates).withConverter(stateConverter).doc(sha256Hex(state));
  }

  private selectionRef(id: string) {
    return this.db.collection(COLLECTIONS.accountSelections).withConverter(selectionConverter).doc(id);
  }

  async create(
    state: string,
    record: { userId: string; platform: Platform; returnTo: string; codeVerifier: string | null },
  ): Promise<Date> {
    const now = this.clock();
    const expireAt = new Date(now.getTime() + OAUTH_STATE_TTL_MS);
    await this.stateRef(state).create({
      ...record,
      createdAt: Timestamp.fromDate(now),
      expireAt: Timestamp.fromDate(expireAt),
      usedAt: null,
    });
    return expireAt;
  }

  /**
   * Spends a state exactly once, whatever number of callbacks race with it: the first
   * transaction marks it used, every later one finds it used. An expired state is spent too.
   */
  async consume(state: string, platform: Platform): Promise<ConsumeResult> {
    const ref = this.stateRef(state);
    return this.db.runTransaction(async (tx): Promise<ConsumeResult> => {
      const record = recordOf(await tx.get(ref));
      if (!record || record.platform !== platform) return { kind: "unknown" };
      if (record.usedAt) return { kind: "used" };
      const now = this.clock();
      tx.update(ref.withConverter(null), { usedAt: Timestamp.fromDate(now) });
      return record.expireAt.toMillis() <= now.getTime() ? { kind: "expired", record } : { kind: "ok", record };
    });
  }

  private aad(id: string, userId: string): string {
    return `accountSelections/${id}/${userId}`;
  }

  async createSelection(
    id: string,
    pending: { userId: string; platform: Platform; returnTo: string },
    accounts: readonly AccountWithCredentials[],
  ): Promise<Date> {
    const expireAt = new Date(this.clock().getTime() + ACCOUNT_SELECTION_TTL_MS);
    await this.selectionRef(id).create({
      ...pending,
      ...sealAccounts(accounts, this.keyring(), this.aad(id, pending.userId)),
      expireAt: Timestamp.fromDate(expireAt),
      usedAt: null,
    });
    return expireAt;
  }

  /** A selection of `userId`'s still open, or null (unknown, someone else's, used or expired). */
  async selection(id: string, userId: string, platform: Platform): Promise<PendingSelection | null> {
    const doc = recordOf(await this.selectionRef(id).get());
    if (!this.open(doc, userId, platform)) return null;
    return { platform, returnTo: doc.returnTo, accounts: doc.accounts, expiresAt: doc.expireAt.toDate() };
  }

  /** Spends a selection once, returning the chosen accounts with their credentials. */
  async takeSelection(
    id: string,
    userId: string,
    platform: Platform,
    accountIds: readonly string[],
  ): Promise<AccountWithCredentials[] | null> {
    const ref = this.selectionRef(id);
    const doc = await this.db.runTransaction(async (tx) => {
      const found = recordOf(await tx.get(ref));
      if (!this.open(found, userId, platform)) return null;
      tx.update(ref.withConverter(null), { usedAt: FieldValue.serverTimestamp() });
      return found;
    });
    return doc ? openAccounts(doc, this.keyring(), this.aad(id, userId), accountIds) : null;
  }

  private open(
    doc: z.infer<typeof selectionSchema> | undefined,
    userId: string,
    platform: Platform,
  ): doc is z.infer<typeof selectionSchema> {
    return (
      !!doc &&
      doc.userId === userId &&
      doc.platform === platform &&
      !doc.usedAt &&
      doc.expireAt.toMillis() > this.clock().getTime()
    );
  }
}
