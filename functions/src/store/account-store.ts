import { FieldValue, type Firestore } from "firebase-admin/firestore";
import type { Platform } from "../domain/platforms";
import { COLLECTIONS } from "./collections";

/** Account status changes made by the pipeline (the connect flow writes accounts themselves). */
export class AccountStore {
  constructor(private readonly db: Firestore) {}

  /**
   * The platform refused the account's credentials for good: later posts to it are refused at
   * create time (missing_account, reason needs_reauth) instead of failing at publish time.
   */
  async markNeedsReauth(userId: string, platform: Platform, accountId: string, reason: string): Promise<void> {
    const ref = this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.integrations)
      .doc(platform)
      .collection(COLLECTIONS.accounts)
      .doc(accountId);
    try {
      await ref.update({ status: "needs_reauth", statusReason: reason, statusChangedAt: FieldValue.serverTimestamp() });
    } catch (error) {
      // The account was disconnected (deleted) meanwhile: nothing to mark.
      if ((error as { code?: number }).code !== 5) throw error;
    }
  }
}
