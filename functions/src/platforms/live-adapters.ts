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
 * publisher runs), then reused by the instance's later deliveries.
 */
export function liveAdapters(settings: (platform: Platform) => PlatformSettings) {
  const built = new Map<Platform, PlatformAdapter>();
  return (platform: Platform): PlatformAdapter | undefined => {
    const build = BUILDERS[platform];
    let adapter = built.get(platform);
    if (!adapter) {
      adapter = build(settings(platform));
      built.set(platform, adapter);
    }
    return adapter;
  };
}
