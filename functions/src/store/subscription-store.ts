import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { COLLECTIONS, SUBSCRIPTION_DOC } from "./collections";

export type GrantedStatus = "active" | "trialing";

/**
 * The operator's side of `users/{uid}/subscription/current` (docs/contract.md §2: `status`,
 * `currentPeriodEnd`, `planId`), which every content route checks. Billing normally writes it (a
 * Stripe webhook, the Stripe extension, a dashboard); `npm run subscriptions` grants or ends one by
 * hand, for a first user, a trial or support.
 */
export class SubscriptionStore {
  constructor(private readonly db: Firestore) {}

  private ref(uid: string) {
    return this.db.collection(COLLECTIONS.users).doc(uid).collection(COLLECTIONS.subscription).doc(SUBSCRIPTION_DOC);
  }

  /** An active (or trialing) subscription until `until`, whatever was there before. */
  async grant(uid: string, grant: { status: GrantedStatus; until: Date; planId: string }): Promise<void> {
    await this.ref(uid).set(
      {
        status: grant.status,
        currentPeriodEnd: Timestamp.fromDate(grant.until),
        planId: grant.planId,
        updatedAt: FieldValue.serverTimestamp(),
      },
      { merge: true },
    );
  }

  /** Ends it now: `canceled`, its period over. Returns false when the user had none. */
  async end(uid: string, now: Date): Promise<boolean> {
    const snap = await this.ref(uid).get();
    if (!snap.exists) return false;
    await this.ref(uid).update({
      status: "canceled",
      currentPeriodEnd: Timestamp.fromDate(now),
      updatedAt: FieldValue.serverTimestamp(),
    });
    return true;
  }

  /** The document as stored, for the operator to read. */
  async show(uid: string): Promise<Record<string, unknown> | null> {
    const snap = await this.ref(uid).get();
    return snap.exists ? (snap.data() ?? null) : null;
  }
}
