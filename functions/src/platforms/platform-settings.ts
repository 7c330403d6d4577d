/**
 * Where an adapter finds its platform and how it identifies itself there. Every URL is
 * configuration (config/platform-settings.ts), so tests and the local stack point at the fakes.
 */
export interface PlatformSettings {
  /** The platform's API origin, e.g. https://api.x.com. */
  apiUrl: string;
  /** Its OAuth token origin when it differs (LinkedIn, YouTube, Snapchat, Instagram); otherwise the API origin. */
  authUrl: string;
  /** The origin of the consent page a user is sent to (x.com, www.facebook.com, accounts.google.com…). */
  consentUrl: string;
  clientId: string;
  /** Read on use: secrets are only available once the function runs. */
  clientSecret: () => string;
  /** TikTok: URL prefixes verified in its developer portal, which it may pull media from. */
  pullPrefixes?: string[];
}
