import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "./collections";
import type { AccountRef } from "../domain/account-ref";

/** `users/{uid}/integrations/{platform}`: the platform's summary (default account, count). */
export function integrationDoc(db: Firestore, userId: string, platform: string): DocumentReference {
  return db.collection(COLLECTIONS.users).doc(userId).collection(COLLECTIONS.integrations).doc(platform);
}

/** `users/{uid}/integrations/{platform}/accounts/{accountId}`: what the dashboard shows of an account. */
export function accountDoc(db: Firestore, account: AccountRef): DocumentReference {
  return integrationDoc(db, account.userId, account.platform).collection(COLLECTIONS.accounts).doc(account.accountId);
}
