import type { Platform } from "../domain/platforms";
import { FacebookOAuth } from "./facebook/facebook-oauth";
import { LinkedInOAuth } from "./linkedin/linkedin-oauth";
import { GRAPH_VERSION } from "./meta/graph-version";
import { MetaOAuth, instagramLogin, threadsLogin } from "./meta/meta-oauth";
import type { OAuthProvider } from "./oauth-provider";
import type { PlatformSettings } from "./platform-settings";
import { SnapchatOAuth } from "./snapchat/snapchat-oauth";
import { TikTokOAuth } from "./tiktok/tiktok-oauth";
import { XOAuth } from "./x/x-oauth";
import { YouTubeOAuth } from "./youtube/youtube-oauth";

const PROVIDERS: Record<Platform, (s: PlatformSettings) => OAuthProvider> = {
  x: (s) => new XOAuth(s),
  threads: (s) => new MetaOAuth(s, threadsLogin()),
  instagram: (s) => new MetaOAuth(s, instagramLogin(GRAPH_VERSION)),
  facebook: (s) => new FacebookOAuth(s),
  linkedin: (s) => new LinkedInOAuth(s),
  tiktok: (s) => new TikTokOAuth(s),
  youtube: (s) => new YouTubeOAuth(s),
  snapchat: (s) => new SnapchatOAuth(s),
};

/** The OAuth provider of a platform, over its configured origins and client. */
export function oauthProvider(platform: Platform, settings: PlatformSettings): OAuthProvider {
  return PROVIDERS[platform](settings);
}
