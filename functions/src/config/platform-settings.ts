import { defineString } from "firebase-functions/params";
import type { Platform } from "../domain/platforms";
import type { PlatformSettings } from "../platforms/platform-settings";
import { CLIENT_SECRETS } from "./secrets";
import { isDemoProject } from "./project";

/**
 * The real platforms' origins: the API, the OAuth token endpoint when it lives elsewhere, and the
 * consent page users are sent to. The local stack overrides them in functions/.env.local.
 */
const ORIGINS: Record<Platform, { api: string; auth?: string; consent: string }> = {
  x: { api: "https://api.x.com", consent: "https://x.com" },
  threads: { api: "https://graph.threads.net", consent: "https://threads.net" },
  instagram: {
    api: "https://graph.instagram.com",
    auth: "https://api.instagram.com",
    consent: "https://www.instagram.com",
  },
  facebook: { api: "https://graph.facebook.com", consent: "https://www.facebook.com" },
  linkedin: { api: "https://api.linkedin.com", auth: "https://www.linkedin.com", consent: "https://www.linkedin.com" },
  tiktok: { api: "https://open.tiktokapis.com", consent: "https://www.tiktok.com" },
  youtube: {
    api: "https://www.googleapis.com",
    auth: "https://oauth2.googleapis.com",
    consent: "https://accounts.google.com",
  },
  snapchat: {
    api: "https://businessapi.snapchat.com",
    auth: "https://accounts.snapchat.com",
    consent: "https://accounts.snapchat.com",
  },
};

const envName = (platform: Platform) => platform.toUpperCase();

type StringParam = ReturnType<typeof defineString>;

const params = Object.fromEntries(
  (Object.keys(ORIGINS) as Platform[]).map((p) => [
    p,
    {
      api: defineString(`${envName(p)}_API_URL`, { default: ORIGINS[p].api, description: `${p} API origin` }),
      auth: defineString(`${envName(p)}_AUTH_URL`, {
        default: ORIGINS[p].auth ?? ORIGINS[p].api,
        description: `${p} OAuth token origin`,
      }),
      consent: defineString(`${envName(p)}_CONSENT_URL`, {
        default: ORIGINS[p].consent,
        description: `${p} OAuth consent page origin`,
      }),
      clientId: defineString(`${envName(p)}_CLIENT_ID`, { default: "", description: `Postcast's ${p} app id` }),
    },
  ]),
) as Record<Platform, { api: StringParam; auth: StringParam; consent: StringParam; clientId: StringParam }>;

/** URL prefixes verified in TikTok's developer portal (comma-separated): TikTok pulls those, others are uploaded. */
const tiktokPullPrefixes = defineString("TIKTOK_PULL_URL_PREFIXES", {
  default: "",
  description: "URL prefixes TikTok may pull media from (verified in its developer portal)",
});

/**
 * Emulators only: a factor on the platforms' poll intervals, so the local stack checks its fake
 * platforms (which process in a moment) within a second or two instead of Meta's advised minute.
 */
const pollScale = defineString("PLATFORM_POLL_SCALE", {
  default: "1",
  description:
    "Emulators only (demo- projects): multiplies the platforms' poll intervals, e.g. 0.02. Ignored on real projects, which poll as each platform advises.",
});

/**
 * The factor on the platforms' poll intervals: 1 on every real project, whatever its
 * configuration says, so production keeps each platform's advised interval (Meta's minute,
 * YouTube's 30 s). On a demo- project, PLATFORM_POLL_SCALE when it is a number in (0, 1];
 * anything else is 1. Read when a publisher first needs it.
 */
export function platformPollScale(): number {
  if (!isDemoProject()) return 1;
  const value = Number(pollScale.value());
  return Number.isFinite(value) && value > 0 && value <= 1 ? value : 1;
}

/** A platform's settings, read when a publisher first needs them. */
export function platformSettings(platform: Platform): PlatformSettings {
  const p = params[platform];
  const secret = CLIENT_SECRETS[platform];
  return {
    apiUrl: p.api.value().replace(/\/$/, ""),
    authUrl: p.auth.value().replace(/\/$/, ""),
    consentUrl: p.consent.value().replace(/\/$/, ""),
    clientId: p.clientId.value() || (isDemoProject() ? `postcast-local-${platform}` : ""),
    clientSecret: () => {
      // The emulators (demo- projects) talk to the fakes, which know the local secrets.
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
