/** The platforms Postcast publishes to, in the contract's order. */
export const PLATFORMS = [
  "instagram",
  "tiktok",
  "youtube",
  "facebook",
  "x",
  "threads",
  "linkedin",
  "snapchat",
] as const;

export type Platform = (typeof PLATFORMS)[number];

const ALIASES: Readonly<Record<string, Platform>> = { twitter: "x" };

/** Case-insensitive platform name, with Soku's `twitter` alias; null when unknown. */
export function normalizePlatform(name: string): Platform | null {
  const lower = name.trim().toLowerCase();
  if ((PLATFORMS as readonly string[]).includes(lower)) return lower as Platform;
  return ALIASES[lower] ?? null;
}

/** Each platform's name as people write it, for messages. */
export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  instagram: "Instagram",
  tiktok: "TikTok",
  youtube: "YouTube",
  facebook: "Facebook",
  x: "X",
  threads: "Threads",
  linkedin: "LinkedIn",
  snapchat: "Snapchat",
};

/** Whether a stored string names a platform (documents others write may hold anything). */
export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}
