import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";
import type { AccountRef } from "./credential-store";
import { GRPC, grpcCode } from "./grpc-status";

/** Account status changes made by the pipeline (the connect flow writes accounts themselves). */
export class AccountStore {
  constructor(private readonly db: Firestore) {}

  /**
   * The platform refused the account's credentials for good: later posts to it are refused at
   * create time (missing_account, reason needs_reauth) instead of failing at publish time.
   */
  async markNeedsReauth(account: AccountRef, reason: string): Promise<void> {
    const ref = this.db
      .collection(COLLECTIONS.users)
      .doc(account.userId)
      .collection(COLLECTIONS.integrations)
      .doc(account.platform)
      .collection(COLLECTIONS.accounts)
      .doc(account.accountId);
    try {
      await ref.update({ status: "needs_reauth", statusReason: reason, statusChangedAt: FieldValue.serverTimestamp() });
    } catch (error) {
      // The account was disconnected (deleted) meanwhile: nothing to mark.
      if (grpcCode(error) !== GRPC.NOT_FOUND) throw error;
    }
  }
}
