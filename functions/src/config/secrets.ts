import { defineSecret } from "firebase-functions/params";
import type { Platform } from "../domain/platforms";

/**
 * Every secret the functions bind, in one place (the secrets table of docs/operations.md lists the same;
 * `npm run deploy:check` fails when they drift). Set each with
 * `firebase functions:secrets:set <NAME>` before the first deploy.
 */

/**
 * The key that encrypts account credentials at rest: `id:base64(32 bytes)`, comma-separated with
 * older keys after the current one while rotating.
 */
export const credentialsKey = defineSecret("CREDENTIALS_KEY", {
  description: "Seals account credentials at rest: id:base64 of 32 random bytes (older keys after, while rotating)",
});

/**
 * Each platform app's client secret: the connect flow exchanges codes with it, and the refresh
 * grants of X, LinkedIn, TikTok, YouTube and Snapchat need it (Threads and Instagram refresh with
 * the token alone, and Facebook Page tokens do not expire, so their publishers declare none).
 */
export const CLIENT_SECRETS: Record<Platform, ReturnType<typeof defineSecret>> = {
  x: defineSecret("X_CLIENT_SECRET", { description: "The X app's OAuth 2.0 client secret" }),
  threads: defineSecret("THREADS_CLIENT_SECRET", { description: "The Threads app secret" }),
  instagram: defineSecret("INSTAGRAM_CLIENT_SECRET", { description: "The Instagram (Instagram Login) app secret" }),
  facebook: defineSecret("FACEBOOK_CLIENT_SECRET", { description: "The Facebook app secret" }),
  linkedin: defineSecret("LINKEDIN_CLIENT_SECRET", { description: "The LinkedIn app's client secret" }),
  tiktok: defineSecret("TIKTOK_CLIENT_SECRET", { description: "The TikTok app's client secret" }),
  youtube: defineSecret("YOUTUBE_CLIENT_SECRET", { description: "The Google OAuth client's secret (YouTube)" }),
  snapchat: defineSecret("SNAPCHAT_CLIENT_SECRET", { description: "The Snap Kit app's client secret" }),
};

/** The platforms whose publishers refresh tokens with the client secret. */
export const REFRESH_NEEDS_SECRET: ReadonlySet<Platform> = new Set(["x", "linkedin", "tiktok", "youtube", "snapchat"]);
