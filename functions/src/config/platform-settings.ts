import { defineSecret, defineString } from "firebase-functions/params";
import type { Platform } from "../domain/platforms";
import type { PlatformSettings } from "../platforms/platform-settings";

/** The real platforms' origins; the local stack overrides them in functions/.env.demo-postcast. */
const ORIGINS: Record<Platform, { api: string; auth?: string }> = {
  x: { api: "https://api.x.com" },
  threads: { api: "https://graph.threads.net" },
  instagram: { api: "https://graph.instagram.com" },
  facebook: { api: "https://graph.facebook.com" },
  linkedin: { api: "https://api.linkedin.com", auth: "https://www.linkedin.com" },
  tiktok: { api: "https://open.tiktokapis.com" },
  youtube: { api: "https://www.googleapis.com", auth: "https://oauth2.googleapis.com" },
  snapchat: { api: "https://businessapi.snapchat.com", auth: "https://accounts.snapchat.com" },
};

const envName = (platform: Platform) => platform.toUpperCase();

const params = Object.fromEntries(
  (Object.keys(ORIGINS) as Platform[]).map((p) => [
    p,
    {
      api: defineString(`${envName(p)}_API_URL`, { default: ORIGINS[p].api, description: `${p} API origin` }),
      auth: defineString(`${envName(p)}_AUTH_URL`, {
        default: ORIGINS[p].auth ?? ORIGINS[p].api,
        description: `${p} OAuth origin`,
      }),
      clientId: defineString(`${envName(p)}_CLIENT_ID`, { default: "", description: `Postcast's ${p} app id` }),
    },
  ]),
) as Record<
  Platform,
  {
    api: ReturnType<typeof defineString>;
    auth: ReturnType<typeof defineString>;
    clientId: ReturnType<typeof defineString>;
  }
>;

/** URL prefixes verified in TikTok's developer portal (comma-separated): TikTok pulls those, others are uploaded. */
const tiktokPullPrefixes = defineString("TIKTOK_PULL_URL_PREFIXES", {
  default: "",
  description: "URL prefixes TikTok may pull media from (verified in its developer portal)",
});

/**
 * Client secrets of the platforms whose refresh grant needs one. Threads and Instagram refresh
 * with the token alone and Facebook Page tokens do not expire, so their publishers need none.
 */
export const CLIENT_SECRETS: Partial<Record<Platform, ReturnType<typeof defineSecret>>> = {
  x: defineSecret("X_CLIENT_SECRET"),
  linkedin: defineSecret("LINKEDIN_CLIENT_SECRET"),
  tiktok: defineSecret("TIKTOK_CLIENT_SECRET"),
  youtube: defineSecret("YOUTUBE_CLIENT_SECRET"),
  snapchat: defineSecret("SNAPCHAT_CLIENT_SECRET"),
};

function isDemoProject(): boolean {
  return (process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT ?? "").startsWith("demo-");
}

/** A platform's settings, read when a publisher first needs them. */
export function platformSettings(platform: Platform): PlatformSettings {
  const p = params[platform];
  const secret = CLIENT_SECRETS[platform];
  return {
    apiUrl: p.api.value().replace(/\/$/, ""),
    authUrl: p.auth.value().replace(/\/$/, ""),
    clientId: p.clientId.value() || (isDemoProject() ? `postcast-local-${platform}` : ""),
    clientSecret: () => {
      if (!secret) return "";
      // The emulators (demo- projects) talk to the fakes, which take any secret.
      if (isDemoProject()) return process.env[secret.name] ?? `postcast-local-${platform}-secret`;
      return secret.value();
    },
    ...(platform === "tiktok"
      ? {
          pullPrefixes: tiktokPullPrefixes
            .value()
            .split(",")
            .map((p) => p.trim())
            .filter(Boolean),
        }
      : {}),
  };
}
