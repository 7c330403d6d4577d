import type { Firestore } from "firebase-admin/firestore";
import type { Platform } from "../domain/platforms";
import type { ConnectedAccount } from "../domain/targets";
import { COLLECTIONS, SUBSCRIPTION_DOC } from "./collections";
import { converters, type AccountRecord, type SubscriptionRecord } from "./records";
import { AUTH_CACHE_TTL_MS, TtlCache } from "./ttl-cache";

/** What the API reads about a user: subscription and connected accounts (never credentials). */
export class UserStore {
  private readonly subscriptions = new TtlCache<SubscriptionRecord | null>(AUTH_CACHE_TTL_MS);

  constructor(private readonly db: Firestore) {}

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
      return snap.data() ?? null;
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

  async accounts(uid: string, platform: Platform): Promise<{ id: string; record: AccountRecord }[]> {
    const snap = await this.user(uid)
      .collection(COLLECTIONS.integrations)
      .doc(platform)
      .collection(COLLECTIONS.accounts)
      .withConverter(converters.account)
      .get();
    return snap.docs.map((d) => ({ id: d.id, record: d.data() }));
  }
}
