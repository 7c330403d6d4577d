/**
 * How each platform counts a text's length. They disagree: X weighs characters and counts every
 * URL as 23, Threads counts emoji as their UTF-8 bytes, TikTok counts UTF-16 units, YouTube's
 * description limit is in bytes.
 */
export type LengthUnit = "x_weighted" | "threads_chars" | "utf16" | "code_points" | "utf8_bytes";

type TwitterText = typeof import("twitter-text");
let twitterText: TwitterText | undefined;

// twitter-text is X's own counting library (URL detection needs its TLD list); it takes about
// 100 ms to load, so only a request with an X target pays for it.
function loadTwitterText(): TwitterText {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  twitterText ??= require("twitter-text") as TwitterText;
  return twitterText;
}

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

export function textLength(text: string, unit: LengthUnit): number {
  switch (unit) {
    case "x_weighted":
      return loadTwitterText().parseTweet(text).weightedLength;
    case "threads_chars": {
      let n = 0;
      for (const ch of text) n += PICTOGRAPHIC.test(ch) ? Buffer.byteLength(ch, "utf8") : 1;
      return n;
    }
    case "utf16":
      return text.length;
    case "code_points":
      return [...text].length;
    case "utf8_bytes":
      return Buffer.byteLength(text, "utf8");
  }
}

const ELLIPSIS = "…";

/**
 * The longest prefix of `text` (cut at a code point, and at a word boundary when one is near)
 * that, with an ellipsis appended, fits `max` in `unit`.
 */
export function truncateToFit(text: string, max: number, unit: LengthUnit): string {
  if (textLength(text, unit) <= max) return text;
  const points = [...text];
  let lo = 0;
  let hi = points.length;
  // Binary search on the number of code points kept: length grows with the prefix.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textLength(points.slice(0, mid).join("") + ELLIPSIS, unit) <= max) lo = mid;
    else hi = mid - 1;
  }
  const kept = points.slice(0, lo).join("");
  const space = kept.search(/\s\S*$/);
  const atWord = space > kept.length * 0.8 ? kept.slice(0, space) : kept;
  return atWord.trimEnd() + ELLIPSIS;
}
