import type { AccountRef } from "../domain/account-ref";
import { FieldValue, Timestamp, type CollectionReference, type Firestore } from "firebase-admin/firestore";
import { sha256Hex } from "../domain/canonical-json";
import { deferUntil, type PublishCap } from "../domain/publish-caps";
import { COLLECTIONS } from "./collections";
import { accountKey } from "./credential-store";

/**
 * Each account's recent publishes, for per-account pacing: `accountUsage/{hash}/publishes/{run}`,
 * one document per run (so a retried commit counts once), expired by TTL after the window.
 */
export class AccountUsageStore {
  constructor(private readonly db: Firestore) {}

  private publishes(account: AccountRef): CollectionReference {
    return this.db.collection(COLLECTIONS.accountUsage).doc(accountKey(account)).collection(COLLECTIONS.publishes);
  }

  /** Null when one more publish fits the cap now; otherwise when it will. */
  async nextSlot(account: AccountRef, cap: PublishCap, now: Date): Promise<Date | null> {
    const since = Timestamp.fromMillis(now.getTime() - cap.windowSeconds * 1000);
    const recent = this.publishes(account).where("at", ">", since);
    const count = (await recent.count().get()).data().count;
    if (count < cap.limit) return null;
    const snap = await recent
      .orderBy("at", "desc")
      .offset(cap.limit - 1)
      .limit(1)
      .get();
    const at = snap.docs[0]?.get("at") as Timestamp | undefined;
    return deferUntil(cap, at ? at.toDate() : now);
  }

  /** The write that counts one publish; part of the run's commit transaction. */
  entry(account: AccountRef, runKey: string, cap: PublishCap, now: Date) {
    return {
      ref: this.publishes(account).doc(sha256Hex(runKey).slice(0, 40)),
      data: {
        at: FieldValue.serverTimestamp(),
        expireAt: Timestamp.fromMillis(now.getTime() + (cap.windowSeconds + 86_400) * 1000),
      },
    };
  }
}
