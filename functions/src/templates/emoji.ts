import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Emoji as Twemoji graphics (@twemoji/svg 15.0.0, CC-BY 4.0): a grapheme that is an emoji
 * (sequences joined by ZWJ, skin tones, flags, keycaps included) is drawn as the file named by its
 * code points.
 */
let files: { dir: string; names: Set<string> } | undefined;
const sources = new Map<string, string>();

function twemoji(): { dir: string; names: Set<string> } {
  if (!files) {
    const dir = path.dirname(require.resolve("@twemoji/svg/1f600.svg"));
    files = { dir, names: new Set(readdirSync(dir).filter((f) => f.endsWith(".svg"))) };
  }
  return files;
}

const hex = (s: string) => [...s].map((c) => (c.codePointAt(0) ?? 0).toString(16)).join("-");

/** Whether a grapheme asks to be shown as an emoji rather than as text. */
export function looksLikeEmoji(grapheme: string): boolean {
  if (grapheme.includes("\uFE0E")) return false; // text presentation asked for
  return /\uFE0F|\u200D|\u20E3|\p{Emoji_Presentation}|\p{Emoji_Modifier}|\p{Regional_Indicator}/u.test(grapheme);
}

/**
 * Twemoji's file for a grapheme, or null. Twemoji names files by code point, dropping FE0F
 * (variation selector 16) except in ZWJ sequences, where some files keep it: both are tried.
 */
export function emojiFile(grapheme: string): string | null {
  if (!/\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u.test(grapheme)) return null;
  const { names } = twemoji();
  const candidates = [hex(grapheme), hex(grapheme.replace(/\uFE0F/g, ""))];
  // A ZWJ sequence Twemoji lacks shows as its first emoji rather than as nothing.
  const first = grapheme.split("\u200D")[0];
  if (first !== undefined && first !== grapheme) candidates.push(hex(first), hex(first.replace(/\uFE0F/g, "")));
  for (const name of candidates) if (names.has(`${name}.svg`)) return `${name}.svg`;
  return null;
}

/** The file's SVG, base64 as a data: URI (librsvg never fetches anything). */
export function emojiDataUri(file: string): string {
  let uri = sources.get(file);
  if (!uri) {
    const { dir, names } = twemoji();
    if (!names.has(file)) throw new Error(`No Twemoji file ${file}.`);
    const svg = readFileSync(path.join(dir, file));
    uri = `data:image/svg+xml;base64,${svg.toString("base64")}`;
    sources.set(file, uri);
  }
  return uri;
}
