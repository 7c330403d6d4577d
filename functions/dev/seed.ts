import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { generateApiKey, generateKeyId, hashApiKey, keyPreview, type KeyMode } from "../src/domain/api-key";
import { PLATFORMS, type Platform } from "../src/domain/platforms";
import { COLLECTIONS, SUBSCRIPTION_DOC } from "../src/store/collections";

/** The demo tenant's sk_test_ key on the local stack (a demo- project: it can reach nothing real). */
export const DEMO_TEST_KEY = "sk_test_postcast_local_demo_key_0123456789abcdefghijklmn";
export const DEMO_UID = "demo-user";
/** The demo tenant's sk_live_ key: it publishes for real, to the fake platform servers. */
export const DEMO_LIVE_KEY = "sk_live_postcast_local_demo_key_0123456789abcdefghijklmn";

const DAY_SECONDS = 24 * 3600;

/** The platform ids the OAuth flow stores with an account's credentials (here: the account id itself). */
export function accountExtra(platform: Platform, accountId: string): Record<string, string> {
  switch (platform) {
    case "x":
      return { userId: accountId, username: `${accountId}_handle` };
    case "linkedin":
      return { authorUrn: `urn:li:person:${accountId}` };
    case "tiktok":
      return { openId: accountId, username: `${accountId}_handle` };
    default:
      return { username: `${accountId}_handle` };
  }
}

/**
 * How each demo account's connection is issued: as a real one is right after connecting, so the
 * demo starts healthy (nothing `expiring`) with the expiries each platform documents. X: 2 h
 * access tokens and a refresh token; Threads and Instagram: 60-day long-lived tokens that renew
 * themselves (backdated two days, since Meta renews only tokens at least a day old); Facebook:
 * Page tokens, which do not expire; LinkedIn: 60 days without a refresh token (the non-partner
 * case); TikTok: 2 h with a 180-day refresh token; YouTube and Snapchat: 1 h with a refresh token.
 */
export const DEMO_GRANTS: Record<
  Platform,
  { ttlSeconds: number | null; refresh: boolean; refreshTtlSeconds?: number; ageSeconds?: number }
> = {
  x: { ttlSeconds: 2 * 3600, refresh: true },
  threads: { ttlSeconds: 60 * DAY_SECONDS, refresh: false, ageSeconds: 2 * DAY_SECONDS },
  instagram: { ttlSeconds: 60 * DAY_SECONDS, refresh: false, ageSeconds: 2 * DAY_SECONDS },
  facebook: { ttlSeconds: null, refresh: false },
  linkedin: { ttlSeconds: 60 * DAY_SECONDS, refresh: false },
  tiktok: { ttlSeconds: 2 * 3600, refresh: true, refreshTtlSeconds: 180 * DAY_SECONDS },
  youtube: { ttlSeconds: 3600, refresh: true },
  snapchat: { ttlSeconds: 3600, refresh: true },
};

export interface TenantOptions {
  uid: string;
  email?: string;
  role?: "admin";
  /** Accounts per platform; default: one per platform, two on x (x_primary, x_brand). */
  accounts?: Partial<Record<Platform, string[]>>;
  subscription?: { status: string; currentPeriodEnd: Date } | null;
  /** `scopes` absent: the key document has no scopes field (every scope). */
  keys?: { raw?: string; mode: KeyMode; revoked?: boolean; scopes?: string[] }[];
}

export const DEFAULT_ACCOUNTS: Record<Platform, string[]> = Object.fromEntries(
  PLATFORMS.map((p) => [p, p === "x" ? ["x_primary", "x_brand"] : [`${p}_main`]]),
) as Record<Platform, string[]>;

/** A target on every platform of the demo tenant (x through its first account). */
export const DEMO_TARGETS_ALL_PLATFORMS = [
  { platform: "x", accountId: "x_primary" },
  "threads",
  "linkedin",
  "instagram",
  "facebook",
  "tiktok",
  "youtube",
  "snapchat",
] as const;

/**
 * Writes a tenant as the dashboard would leave it: user, subscription, connected accounts and API
 * keys. Idempotent (set, not create), so a second `npm start` on the same emulator works.
 */
export async function seedTenant(db: Firestore, options: TenantOptions): Promise<{ uid: string; keys: string[] }> {
  const now = Timestamp.now();
  const user = db.collection(COLLECTIONS.users).doc(options.uid);
  const writes: Promise<unknown>[] = [
    user.set({
      email: options.email ?? `${options.uid}@example.test`,
      ...(options.role ? { role: options.role } : {}),
      createdAt: now,
    }),
  ];
  const subscription =
    options.subscription === undefined
      ? { status: "active", currentPeriodEnd: new Date(Date.now() + 365 * 24 * 3600_000) }
      : options.subscription;
  if (subscription) {
    writes.push(
      user
        .collection(COLLECTIONS.subscription)
        .doc(SUBSCRIPTION_DOC)
        .set({
          status: subscription.status,
          currentPeriodEnd: Timestamp.fromDate(subscription.currentPeriodEnd),
          planId: "pro",
        }),
    );
  }
  const accounts = options.accounts ?? DEFAULT_ACCOUNTS;
  for (const [platform, ids] of Object.entries(accounts) as [Platform, string[]][]) {
    const integration = user.collection(COLLECTIONS.integrations).doc(platform);
    writes.push(integration.set({ defaultAccountId: ids[0] ?? null, connectedCount: ids.length }));
    for (const id of ids) {
      writes.push(
        integration
          .collection(COLLECTIONS.accounts)
          .doc(id)
          .set({
            platform,
            displayName: `Demo ${platform} (${id})`,
            username: id,
            status: "active",
            createdAt: now,
          }),
      );
    }
  }
  const keys = (options.keys ?? [{ mode: "test" }]).map((k) => ({ ...k, raw: k.raw ?? generateApiKey(k.mode) }));
  for (const key of keys) {
    writes.push(
      db
        .collection(COLLECTIONS.apiKeys)
        .doc(hashApiKey(key.raw))
        .set({
          userId: options.uid,
          keyId: generateKeyId(),
          preview: keyPreview(key.raw),
          name: `${key.mode} key`,
          mode: key.mode,
          createdAt: now,
          revokedAt: key.revoked ? now : null,
          lastUsedAt: null,
          ...(key.scopes ? { scopes: key.scopes } : {}),
        }),
    );
  }
  await Promise.all(writes);
  return { uid: options.uid, keys: keys.map((k) => k.raw) };
}
