import type { ConnectedAccount } from "../domain/post-model";
import type { Firestore } from "firebase-admin/firestore";
import { PLATFORMS, type Platform } from "../domain/platforms";
import { COLLECTIONS, SUBSCRIPTION_DOC } from "./collections";
import { converters, recordOf, wellFormed, type AccountRecord, type SubscriptionRecord } from "./records";
import { AUTH_CACHE_TTL_MS, TtlCache } from "./ttl-cache";

export interface AccountListing {
  platform: Platform;
  accountId: string;
  record: AccountRecord;
  onlyAccount: boolean;
}

/** What the API reads about a user: role, subscription and connected accounts (never credentials). */
export class UserStore {
  private readonly subscriptions: TtlCache<SubscriptionRecord | null>;
  private readonly roles: TtlCache<string | null>;

  constructor(
    private readonly db: Firestore,
    clock: () => Date = () => new Date(),
  ) {
    const now = () => clock().getTime();
    this.subscriptions = new TtlCache(AUTH_CACHE_TTL_MS, 10_000, now);
    this.roles = new TtlCache(AUTH_CACHE_TTL_MS, 10_000, now);
  }

  private user(uid: string) {
    return this.db.collection(COLLECTIONS.users).doc(uid);
  }

  /** Cached for a few seconds per instance, like API keys: every request checks it. */
  getSubscription(uid: string): Promise<SubscriptionRecord | null> {
    return this.subscriptions.get(uid, async () => {
      const snap = await this.user(uid)
        .collection(COLLECTIONS.subscription)
        .withConverter(converters.subscription)
        .doc(SUBSCRIPTION_DOC)
        .get();
      return recordOf(snap) ?? null;
    });
  }

  /** `users/{uid}.role` (`admin` or nothing), cached like the subscription: it picks the rate-limit tier. */
  getRole(uid: string): Promise<string | null> {
    return this.roles.get(uid, async () => {
      const snap = await this.user(uid).withConverter(converters.user).get();
      return recordOf(snap)?.role ?? null;
    });
  }

  /** The accounts of each platform, read in parallel (one query per platform). */
  async accountsByPlatform(uid: string, platforms: readonly Platform[]): Promise<Map<Platform, ConnectedAccount[]>> {
    const unique = [...new Set(platforms)];
    const lists = await Promise.all(unique.map((p) => this.accounts(uid, p)));
    return new Map(
      unique.map((p, i) => [p, (lists[i] ?? []).map(({ id, record }) => ({ accountId: id, status: record.status }))]),
    );
  }

  /** The platform's accounts; a malformed one is left out (and logged), as if not connected. */
  async accounts(uid: string, platform: Platform): Promise<{ id: string; record: AccountRecord }[]> {
    const snap = await this.user(uid)
      .collection(COLLECTIONS.integrations)
      .doc(platform)
      .collection(COLLECTIONS.accounts)
      .withConverter(converters.account)
      .get();
    return wellFormed(snap).map(({ id, data }) => ({ id, record: data }));
  }

  /**
   * Every connected account on every platform (one round of parallel reads). `onlyAccount` tells a
   * caller that a bare platform name is enough to target it.
   */
  async listAccounts(uid: string): Promise<AccountListing[]> {
    const perPlatform = await Promise.all(
      PLATFORMS.map(async (platform) => {
        const accounts = await this.accounts(uid, platform);
        return accounts.map(({ id, record }) => ({
          platform,
          accountId: id,
          record,
          onlyAccount: accounts.length === 1,
        }));
      }),
    );
    return perPlatform.flat();
  }
}
