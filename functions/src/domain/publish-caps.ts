import type { Platform } from "./platforms";

/** A platform's documented cap on posts per account in a rolling window. */
export interface PublishCap {
  limit: number;
  windowSeconds: number;
}

/**
 * Per-account posting caps (each platform's documented limit, see docs/platforms.md): a publish
 * that would pass one is deferred until the window allows it, never failed. Where sources conflict the lower number is used.
 * YouTube's cap is per project (quota), Facebook feed posts and Snapchat have no documented cap.
 */
export const PUBLISH_CAPS: Readonly<Record<Platform, PublishCap | null>> = {
  x: { limit: 100, windowSeconds: 15 * 60 },
  threads: { limit: 250, windowSeconds: 86_400 },
  instagram: { limit: 50, windowSeconds: 86_400 },
  facebook: null,
  linkedin: { limit: 150, windowSeconds: 86_400 },
  tiktok: { limit: 15, windowSeconds: 86_400 },
  youtube: null,
  snapchat: null,
};

/** When the oldest publish still inside the window ages out, given the `limit`-th newest. */
export function deferUntil(cap: PublishCap, oldestCountedAt: Date): Date {
  return new Date(oldestCountedAt.getTime() + cap.windowSeconds * 1000 + 1000);
}
