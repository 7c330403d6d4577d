/** Names of a connected account shared by the stores, the connect flow and the publishers: types only. */
import type { Platform } from "./platforms";

/** One connected account of one user on one platform. */
export interface AccountRef {
  userId: string;
  platform: Platform;
  accountId: string;
}

/** When the stored token expires and when the user must reconnect (from the credential store). */
export interface TokenDates {
  tokenExpiresAt: Date | null;
  reconnectBy: Date | null;
}
