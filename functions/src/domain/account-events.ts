import type { AccountRef } from "./account-ref";
import type { EventData } from "./event-data";
import type { NewEvent } from "./events";

/**
 * Account events. Connected accounts are shared by both worlds (domain/owner.ts), so each change
 * is recorded once per world: a test key's feed and endpoints hear of it as a live key's do, and
 * the worlds stay apart. `change` names the connection the event is about (its `connectedAt`), so
 * the same transition recorded again is the same event, and the next connection's is another.
 */
export type AccountEventType =
  "account.connected" | "account.disconnected" | "account.needs_reauth" | "account.expiring";

export function accountEvents<T extends AccountEventType>(
  account: AccountRef,
  type: T,
  connection: string,
  data: (livemode: boolean) => Omit<EventData<T>, "platform" | "accountId">,
): NewEvent[] {
  return [false, true].map((livemode) => ({
    userId: account.userId,
    livemode,
    type,
    change: `${type}/${account.platform}/${account.accountId}/${connection}/${livemode ? "live" : "test"}`,
    data: { platform: account.platform, accountId: account.accountId, ...data(livemode) },
  }));
}
