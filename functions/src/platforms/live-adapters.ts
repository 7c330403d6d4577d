import type { Platform } from "../domain/platforms";
import type { PlatformAdapter } from "./platform-adapter";
import type { PlatformSettings } from "./platform-settings";
import { FacebookAdapter } from "./facebook/facebook-adapter";
import { instagramAdapter } from "./instagram/instagram-adapter";
import { LinkedInAdapter } from "./linkedin/linkedin-adapter";
import { SnapchatAdapter } from "./snapchat/snapchat-adapter";
import { threadsAdapter } from "./threads/threads-adapter";
import { TikTokAdapter } from "./tiktok/tiktok-adapter";
import { XAdapter } from "./x/x-adapter";
import { YouTubeAdapter } from "./youtube/youtube-adapter";

const BUILDERS: Record<Platform, (settings: PlatformSettings) => PlatformAdapter> = {
  x: (s) => new XAdapter(s),
  threads: threadsAdapter,
  instagram: instagramAdapter,
  facebook: (s) => new FacebookAdapter(s),
  linkedin: (s) => new LinkedInAdapter(s),
  tiktok: (s) => new TikTokAdapter(s, s.pullPrefixes ?? []),
  youtube: (s) => new YouTubeAdapter(s),
  snapchat: (s) => new SnapchatAdapter(s),
};

/**
 * The live adapter of each platform, built on first use with its settings (read late, when the
 * publisher runs), then reused by the instance's later deliveries. None for a platform whose app
 * is not configured in this deployment (no client id): connecting is refused there
 * (`platform_not_configured`) and no token can be refreshed, so a run for an account connected
 * before the app was removed fails at once with `platform_unavailable` (registry.ts) rather than
 * calling the platform with credentials it can no longer renew.
 */
export function liveAdapters(settings: (platform: Platform) => PlatformSettings) {
  const built = new Map<Platform, PlatformAdapter>();
  return (platform: Platform): PlatformAdapter | undefined => {
    let adapter = built.get(platform);
    if (!adapter) {
      const configured = settings(platform);
      if (!configured.clientId) return undefined;
      adapter = BUILDERS[platform](configured);
      built.set(platform, adapter);
    }
    return adapter;
  };
}
