import type { PublishContext, Published, Reconciliation } from "./platform-adapter";

/**
 * How much earlier than our commit mark a platform may date the post that attempt made. The mark
 * is written before the call, so in real time the post is younger; what can make it look older is
 * the gap between the platform's clock and ours (both kept by NTP, well under a second) and the
 * platforms that date posts to the second (Facebook, Threads, Instagram). Two minutes covers both
 * with a wide margin while still excluding the posts an account made before the attempt.
 */
export const COMMIT_MARK_SKEW_MS = 2 * 60_000;

/** The earliest creation time a post of the pending attempt can have, or null without a mark. */
export function earliestCreation(ctx: PublishContext): Date | null {
  return ctx.commitMark ? new Date(ctx.commitMark.getTime() - COMMIT_MARK_SKEW_MS) : null;
}

/** A platform's creation time: ISO 8601 (Meta's `+0000` offsets included) or epoch milliseconds. */
export function platformTime(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Whether a post dated `created` can be the pending attempt's. An undated post never is. */
export function createdSince(created: unknown, earliest: Date): boolean {
  const ms = platformTime(created);
  return ms !== null && ms >= earliest.getTime();
}

const normalized = (text: string | null | undefined) => (text ?? "").normalize("NFC").trim();

/**
 * Compares a post's text as the platform returns it with the text sent. Only Unicode
 * normalisation and the surrounding whitespace platforms trim are tolerated: links count (two
 * posts that differ only in their link are different posts), so whatever else a platform rewrites
 * (X's t.co links) is undone by its adapter before comparing.
 */
export function sameText(returned: string | null | undefined, sent: string | null | undefined): boolean {
  return normalized(returned) === normalized(sent);
}

export function blankText(text: string | null | undefined): boolean {
  return normalized(text) === "";
}

/** Text alone cannot tell an empty post from any other empty post. */
export function undecidableBlank(platform: string): Reconciliation {
  return {
    kind: "undecidable",
    reason: `${platform}'s answer to the publishing call was lost, and the post has no text and nothing that identifies its media, so it cannot be told apart from the account's other posts.`,
  };
}

/** Without the mark's time, no post can be shown to be the attempt's own. */
export function undecidableUndated(platform: string): Reconciliation {
  return {
    kind: "undecidable",
    reason: `${platform}'s answer to the publishing call was lost, and the attempt's time is unknown, so its post cannot be told apart from earlier ones.`,
  };
}

/**
 * The outcome once every candidate passed the time, text and media tests: one is the attempt's
 * post; none means it did not go out; several cannot be told apart, so the run is not guessed.
 */
export function settle(platform: string, matches: Published[]): Reconciliation {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) return { kind: "not_published" };
  return {
    kind: "undecidable",
    reason: `${platform}'s answer to the publishing call was lost, and ${matches.length} posts made since the attempt match it (${matches.map((m) => m.platformPostId).join(", ")}); which one is this run's cannot be told.`,
  };
}
