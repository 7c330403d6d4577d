import { readFileSync } from "node:fs";
import path from "node:path";
import * as fontkit from "fontkit";
import type { Font } from "fontkit";

/**
 * The fonts of the template engine, from @fontsource packages (woff2, split by fontsource into
 * unicode-range subsets). A subset file is opened the first time a text needs one of its code
 * points and kept for the instance's life: a Latin card opens one file, a Chinese one the few
 * Noto Sans SC subsets its characters fall in (of about a hundred).
 *
 * Coverage: sans is Inter, serif Noto Serif, mono JetBrains Mono (Latin, Latin Extended, Greek,
 * Cyrillic, Vietnamese); every family falls back to Noto Sans Arabic (Arabic script) and then
 * Noto Sans SC (Chinese, kana, CJK punctuation); emoji are Twemoji images (emoji.ts).
 */
export type FontFamily = "sans" | "serif" | "mono";
export type FontWeight = 400 | 700;

interface FontSource {
  /** The package, and the prefix of its files (`inter` in `inter-latin-400-normal.woff2`). */
  pkg: string;
  id: string;
}

const SOURCES = {
  sans: { pkg: "@fontsource/inter", id: "inter" },
  serif: { pkg: "@fontsource/noto-serif", id: "noto-serif" },
  mono: { pkg: "@fontsource/jetbrains-mono", id: "jetbrains-mono" },
  arabic: { pkg: "@fontsource/noto-sans-arabic", id: "noto-sans-arabic" },
  cjk: { pkg: "@fontsource/noto-sans-sc", id: "noto-sans-sc" },
} satisfies Record<string, FontSource>;

interface Subset {
  /** fontsource's subset key without brackets (`latin`, `119`). */
  name: string;
  ranges: [number, number][];
}

const subsetsBySource = new Map<FontSource, { dir: string; subsets: Subset[] }>();
const fonts = new Map<string, Font | null>();

function subsetsOf(source: FontSource): { dir: string; subsets: Subset[] } {
  let known = subsetsBySource.get(source);
  if (!known) {
    // The packages export `files/*` only; their unicode.json sits beside that folder.
    const dir = path.dirname(require.resolve(`${source.pkg}/files/${source.id}-latin-400-normal.woff2`));
    const table = JSON.parse(readFileSync(path.join(dir, "..", "unicode.json"), "utf8")) as Record<string, string>;
    const subsets = Object.entries(table).map(([key, ranges]) => ({
      name: key.replace(/^\[|\]$/g, ""),
      ranges: ranges.split(",").map((r) => parseRange(r.trim())),
    }));
    known = { dir, subsets };
    subsetsBySource.set(source, known);
  }
  return known;
}

function parseRange(range: string): [number, number] {
  const [lo, hi] = range.replace(/^U\+/i, "").split("-");
  const start = parseInt(lo ?? "", 16);
  return [start, hi === undefined ? start : parseInt(hi, 16)];
}

function open(source: FontSource, dir: string, subset: string, weight: FontWeight): Font | null {
  const file = path.join(dir, `${source.id}-${subset}-${weight}-normal.woff2`);
  if (!fonts.has(file)) {
    let font: Font | null = null;
    try {
      const opened = fontkit.create(readFileSync(file));
      font = "layout" in opened ? opened : null;
    } catch {
      // A subset without this weight: the next source (or subset) in the chain answers.
      font = null;
    }
    fonts.set(file, font);
  }
  return fonts.get(file) ?? null;
}

/** The first font of `source` with a glyph for the code point, opening only the subsets whose range holds it. */
function fontIn(source: FontSource, codePoint: number, weight: FontWeight): Font | null {
  const { dir, subsets } = subsetsOf(source);
  for (const subset of subsets) {
    if (!subset.ranges.some(([lo, hi]) => codePoint >= lo && codePoint <= hi)) continue;
    const font = open(source, dir, subset.name, weight);
    if (font?.hasGlyphForCodePoint(codePoint)) return font;
  }
  return null;
}

/**
 * The font for a grapheme: the family, then Noto Sans Arabic, then Noto Sans SC, judged by the
 * grapheme's first code point (its marks are shaped with it); null when none has it.
 */
export function fontFor(grapheme: string, family: FontFamily, weight: FontWeight): Font | null {
  const codePoint = grapheme.codePointAt(0) ?? 0;
  const key = `${family}${weight}:${codePoint}`;
  let font = chosen.get(key);
  if (font === undefined) {
    font = null;
    for (const source of [SOURCES[family], SOURCES.arabic, SOURCES.cjk]) {
      font = fontIn(source, codePoint, weight);
      if (font) break;
    }
    if (chosen.size >= CHOSEN_MAX) chosen.clear();
    chosen.set(key, font);
  }
  return font;
}

/** fontFor's answers: a card's characters repeat, and the subsets' range search is not free. */
const chosen = new Map<string, Font | null>();
const CHOSEN_MAX = 20_000;

/** The family's Latin font: its metrics set the line box, and it draws what nothing covers (.notdef). */
export function primaryFont(family: FontFamily, weight: FontWeight): Font {
  const font = fontIn(SOURCES[family], 0x41, weight);
  if (!font) throw new Error(`The ${family} font is not installed.`);
  return font;
}
