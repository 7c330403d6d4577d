import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../domain/canonical-json";
import type { Keyring } from "../domain/credentials";
import { PENDING_CONNECTION_TTL_MS } from "../domain/oauth";
import { PLATFORMS, type Platform } from "../domain/platforms";
import { COLLECTIONS } from "./collections";
import { converter, recordOf } from "./records";
import {
  openAccounts,
  profileSchema,
  sealAccounts,
  sealedSchema,
  type AccountWithCredentials,
} from "./sealed-accounts";

const pendingSchema = z.object({
  /** The user who started the connect flow: the only one who may redeem it. */
  userId: z.string(),
  platform: z.enum(PLATFORMS),
  returnTo: z.string(),
  accounts: z.array(profileSchema),
  /** The accounts' credentials, sealed; removed when the code is spent, so tokens do not linger. */
  sealed: sealedSchema.nullable(),
  createdAt: z.instanceof(Timestamp),
  /** Also the TTL policy's field: Firestore deletes the document after it. */
  expireAt: z.instanceof(Timestamp),
  usedAt: z.instanceof(Timestamp).nullable(),
});
type PendingDoc = z.infer<typeof pendingSchema>;
const pendingConverter = converter(pendingSchema, "pending connection");

export type Redemption =
  | { kind: "ok"; returnTo: string; accounts: AccountWithCredentials[] }
  /** Spent already, or expired: only ever told to the user the code belongs to. */
  | { kind: "used" | "expired" }
  /** No such code for this user and platform: what anyone else is told, whatever exists. */
  | { kind: "unknown" };

/**
 * What a connect callback brought back, waiting for the user who started the flow:
 * `pendingConnections/{sha256(code)}`, single-use, 10 minutes, credentials sealed, readable by no
 * client. The callback cannot know who is signed in (it is an anonymous browser redirect, and a
 * platform that skips its consent screen for an app already granted approves whoever follows
 * the link), so only a redemption with the starter's Firebase ID token attaches the accounts.
 */
export class PendingConnectionStore {
  constructor(
    private readonly db: Firestore,
    private readonly keyring: () => Keyring,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private ref(docId: string) {
    return this.db.collection(COLLECTIONS.pendingConnections).withConverter(pendingConverter).doc(docId);
  }

  /** Binds the sealed credentials to the document and its user: copied elsewhere, they do not open. */
  private aad(docId: string, doc: { userId: string; platform: Platform }): string {
    return `${COLLECTIONS.pendingConnections}/${docId}/${doc.userId}/${doc.platform}`;
  }

  async create(
    code: string,
    pending: { userId: string; platform: Platform; returnTo: string },
    accounts: readonly AccountWithCredentials[],
  ): Promise<Date> {
    const docId = sha256Hex(code);
    const now = this.clock();
    const expireAt = new Date(now.getTime() + PENDING_CONNECTION_TTL_MS);
    await this.ref(docId).create({
      ...pending,
      ...sealAccounts(accounts, this.keyring(), this.aad(docId, pending)),
      createdAt: Timestamp.fromDate(now),
      expireAt: Timestamp.fromDate(expireAt),
      usedAt: null,
    });
    return expireAt;
  }

  /**
   * Spends a code once, whatever number of redemptions race: the first transaction takes it,
   * every later one finds it used. A code presented by another user is spent too (it has left its
   * owner's browser: no one may use it now, and guessing gains nothing), and looks unknown to
   * them. Its owner presenting it for another platform is a client's mistake: unknown, not spent.
   */
  async redeem(code: string, userId: string, platform: Platform): Promise<Redemption> {
    const docId = sha256Hex(code);
    const ref = this.ref(docId);
    const taken = await this.db.runTransaction(async (tx): Promise<Redemption | { kind: "taken"; doc: PendingDoc }> => {
      const doc = recordOf(await tx.get(ref));
      if (!doc) return { kind: "unknown" };
      const spend = () =>
        tx.update(ref.withConverter(null), { usedAt: Timestamp.fromDate(this.clock()), sealed: null });
      if (doc.userId !== userId) {
        if (!doc.usedAt) spend();
        return { kind: "unknown" };
      }
      if (doc.platform !== platform) return { kind: "unknown" };
      if (doc.usedAt || !doc.sealed) return { kind: "used" };
      spend();
      return doc.expireAt.toMillis() <= this.clock().getTime() ? { kind: "expired" } : { kind: "taken", doc };
    });
    if (taken.kind !== "taken") return taken;
    const { doc } = taken;
    const accounts = openAccounts(
      { accounts: doc.accounts, sealed: doc.sealed! },
      this.keyring(),
      this.aad(docId, doc),
    );
    return { kind: "ok", returnTo: doc.returnTo, accounts };
  }
}
