import bidiFactory from "bidi-js";
import type { Font, Glyph } from "fontkit";
import { emojiFile, looksLikeEmoji } from "./emoji";
import { fontFor, primaryFont, type FontFamily, type FontWeight } from "./fonts";

/**
 * Lays text out in a box: paragraphs split into bidi runs (UAX #9, bidi-js), shaped by fontkit
 * (Arabic joining, kerning, ligatures; right-to-left runs come back in visual order), broken into
 * lines at Intl.Segmenter's word boundaries after spaces and between CJK characters, shrunk from
 * size.max toward size.min until it fits, then clamped to maxLines and the box with "…".
 * Everything is measured in ems once, so trying another size is arithmetic, not shaping.
 */
export interface TextStyle {
  family: FontFamily;
  weight: FontWeight;
  /** Pixels on the canvas. */
  size: { min: number; max: number };
  align: "start" | "center" | "end";
  verticalAlign: "top" | "middle" | "bottom";
  lineHeight: number;
  maxLines?: number | undefined;
}

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A shaped run on one font (or one emoji) at one bidi level; widths in ems. */
interface Piece {
  text: string;
  level: number;
  width: number;
  font?: Font;
  glyphs?: { glyph: Glyph; x: number; dx: number; dy: number }[];
  emoji?: string;
}

interface Unit {
  text: string;
  pieces: Piece[];
  width: number;
  space: boolean;
  /** A line may start at this unit. */
  breakBefore: boolean;
  graphemes: Grapheme[];
}

interface Grapheme {
  text: string;
  level: number;
  font: Font | null;
  emoji: string | null;
}

export interface PlacedRun {
  text: string;
  x: number;
  width: number;
  emoji?: string;
}

export interface PlacedLine {
  /** The line's runs left to right (visual order). */
  runs: PlacedRun[];
  x: number;
  width: number;
  baseline: number;
  rtl: boolean;
}

export interface TextLayout {
  fontSize: number;
  lines: PlacedLine[];
  truncated: boolean;
  /** One path of every glyph's outline, absolute canvas coordinates. */
  pathData: string;
  emoji: { file: string; x: number; y: number; size: number }[];
}

const EMOJI_ADVANCE = 1.15;
const ELLIPSIS = "…";
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });
const bidi = bidiFactory();
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF]/u;
/** Characters a line may not start with (closing punctuation, CJK and Latin). */
const NO_BREAK_BEFORE = /^[、。，．！？）」』】〕〉》：；・ー…,.!?:;)\]}]/u;

/** Control characters and invisible format characters a caller may send are not drawn. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, "\n")
      .replace(/\t/g, " ")
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/g, "")
  );
}

export function layoutText(text: string, style: TextStyle, box: PixelBox): TextLayout {
  const primary = primaryFont(style.family, style.weight);
  const paragraphs = cleanText(text)
    .split("\n")
    .map((p) => paragraph(p, style));
  const lineHeightEm = style.lineHeight;
  const linesFitting = (size: number) =>
    Math.max(1, Math.min(style.maxLines ?? Infinity, Math.floor(box.height / (size * lineHeightEm) + 1e-6)));

  const fits = (size: number) => {
    const wrapped = wrapAll(paragraphs, box.width / size);
    return !wrapped.broken && wrapped.lines.length <= linesFitting(size);
  };
  let size = style.size.min;
  if (fits(style.size.max)) size = style.size.max;
  else {
    // The largest size that fits, to a tenth of a pixel.
    let lo = style.size.min;
    let hi = style.size.max;
    while (hi - lo > 0.1) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    size = lo;
  }
  const maxEm = box.width / size;
  const wrapped = wrapAll(paragraphs, maxEm);
  let lines = wrapped.lines;
  const allowed = linesFitting(size);
  let truncated = false;
  if (lines.length > allowed) {
    truncated = true;
    lines = lines.slice(0, allowed);
    const last = lines[allowed - 1];
    if (last) last.units = withEllipsis(last.units, last.level, maxEm, style);
  }
  return place(lines, size, box, style, primary, truncated);
}

interface Paragraph {
  level: number;
  units: Unit[];
}

function paragraph(text: string, style: TextStyle): Paragraph {
  const embedding = bidi.getEmbeddingLevels(text);
  const level = embedding.paragraphs[0]?.level ?? 0;
  let mirrored = text;
  const mirrors = bidi.getMirroredCharactersMap(text, embedding.levels);
  if (mirrors.size > 0) {
    const chars = text.split("");
    for (const [i, c] of mirrors) chars[i] = c;
    mirrored = chars.join("");
  }
  const units: Unit[] = [];
  let previous: Unit | undefined;
  for (const word of wordSegmenter.segment(mirrored)) {
    const graphemes = [...graphemeSegmenter.segment(word.segment)].map((g) =>
      grapheme(g.segment, embedding.levels[word.index + g.index] ?? level, style),
    );
    const space = /^\s+$/u.test(word.segment);
    // CJK has no spaces: a line may break between any two of its characters.
    const groups = CJK.test(word.segment) ? graphemes.map((g) => [g]) : [graphemes];
    for (const group of groups) {
      const text = group.map((g) => g.text).join("");
      const breakBefore =
        previous !== undefined &&
        !NO_BREAK_BEFORE.test(text) &&
        (previous.space || CJK.test(text) || CJK.test(previous.text.slice(-1)));
      const unit = shapeUnit(group, space, breakBefore);
      units.push(unit);
      previous = unit;
    }
  }
  return { level, units };
}

function grapheme(text: string, level: number, style: TextStyle): Grapheme {
  const font = looksLikeEmoji(text) ? null : fontFor(text, style.family, style.weight);
  const emoji = font ? null : emojiFile(text);
  return { text, level, font: font ?? (emoji ? null : primaryFont(style.family, style.weight)), emoji };
}

function shapeUnit(graphemes: Grapheme[], space: boolean, breakBefore: boolean): Unit {
  const pieces: Piece[] = [];
  let run: Grapheme[] = [];
  const flush = () => {
    const first = run[0];
    if (!first) return;
    pieces.push(shape(run.map((g) => g.text).join(""), first.font as Font, first.level));
    run = [];
  };
  for (const g of graphemes) {
    if (g.emoji) {
      flush();
      pieces.push({ text: g.text, level: g.level, width: EMOJI_ADVANCE, emoji: g.emoji });
    } else {
      const first = run[0];
      if (first && (first.font !== g.font || first.level !== g.level)) flush();
      run.push(g);
    }
  }
  flush();
  const text = graphemes.map((g) => g.text).join("");
  const width = pieces.reduce((sum, p) => sum + p.width, 0);
  return { text, pieces, width, space, breakBefore, graphemes };
}

/** Shaped runs by font, direction and text: cards repeat words, and a shaped word never changes. */
const shapes = new WeakMap<Font, Map<string, Piece>>();
const SHAPES_PER_FONT = 4096;

function shape(text: string, font: Font, level: number): Piece {
  let cache = shapes.get(font);
  if (!cache) shapes.set(font, (cache = new Map<string, Piece>()));
  const key = `${level}:${text}`;
  let piece = cache.get(key);
  if (!piece) {
    if (cache.size >= SHAPES_PER_FONT) cache.clear();
    piece = shapeRun(text, font, level);
    cache.set(key, piece);
  }
  return piece;
}

function shapeRun(text: string, font: Font, level: number): Piece {
  const run = font.layout(text, undefined, undefined, undefined, level % 2 === 1 ? "rtl" : "ltr");
  const em = font.unitsPerEm;
  let x = 0;
  const glyphs = run.glyphs.map((glyph, i) => {
    const p = run.positions[i];
    const placed = { glyph, x: x / em, dx: (p?.xOffset ?? 0) / em, dy: (p?.yOffset ?? 0) / em };
    x += p?.xAdvance ?? 0;
    return placed;
  });
  return { text, level, width: x / em, font, glyphs };
}

interface Line {
  units: Unit[];
  level: number;
}

/** Greedy line breaking of every paragraph at `maxEm` ems; `broken` when a word had to be cut. */
function wrapAll(paragraphs: Paragraph[], maxEm: number): { lines: Line[]; broken: boolean } {
  const lines: Line[] = [];
  let broken = false;
  for (const p of paragraphs) {
    let line: Unit[] = [];
    let width = 0;
    const endLine = () => {
      lines.push({ units: trimEnd(line), level: p.level });
      line = [];
      width = 0;
    };
    for (const word of clusters(p.units)) {
      const wordWidth = word.reduce((s, u) => s + (u.space ? 0 : u.width), 0);
      if (line.length > 0 && width + wordWidth > maxEm) endLine();
      if (line.length === 0 && wordWidth > maxEm) {
        // A word wider than the line is cut between graphemes.
        broken = true;
        for (const g of word.flatMap(splitUnit)) {
          if (line.length > 0 && width + g.width > maxEm) endLine();
          if (line.length === 0 && g.space) continue;
          line.push(g);
          width += g.width;
        }
        continue;
      }
      for (const u of word) {
        if (line.length === 0 && u.space) continue;
        line.push(u);
        width += u.width;
      }
    }
    if (line.length > 0 || lines.length === 0 || p.units.length === 0) endLine();
  }
  return { lines, broken };
}

/** Units with no break opportunity between them (a word and the spaces after it). */
function clusters(units: Unit[]): Unit[][] {
  const out: Unit[][] = [];
  for (const u of units) {
    const last = out[out.length - 1];
    if (!last || u.breakBefore) out.push([u]);
    else last.push(u);
  }
  return out;
}

function trimEnd(units: Unit[]): Unit[] {
  let end = units.length;
  while (end > 0 && units[end - 1]?.space) end -= 1;
  return units.slice(0, end);
}

function splitUnit(unit: Unit): Unit[] {
  if (unit.graphemes.length <= 1) return [unit];
  return unit.graphemes.map((g, i) => shapeUnit([g], unit.space, i === 0 ? unit.breakBefore : true));
}

function withEllipsis(units: Unit[], level: number, maxEm: number, style: TextStyle): Unit[] {
  const font = primaryFont(style.family, style.weight);
  const ellipsis = shapeUnit([{ text: ELLIPSIS, level, font, emoji: null }], false, false);
  let kept = units.flatMap(splitUnit);
  const width = (us: Unit[]) => us.reduce((s, u) => s + u.width, 0);
  while (kept.length > 0 && width(kept) + ellipsis.width > maxEm) kept = trimEnd(kept.slice(0, -1));
  return [...trimEnd(kept), ellipsis];
}

/** UAX #9 rule L2: reverse every run of pieces at each level from the highest down to the lowest odd one. */
function visualOrder(pieces: Piece[]): Piece[] {
  const out = [...pieces];
  const levels = out.map((p) => p.level);
  const highest = Math.max(0, ...levels);
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1), highest + 1);
  for (let level = highest; level >= lowestOdd && level > 0; level -= 1) {
    for (let i = 0; i < out.length;) {
      if ((out[i]?.level ?? 0) < level) {
        i += 1;
        continue;
      }
      let j = i;
      while (j < out.length && (out[j]?.level ?? 0) >= level) j += 1;
      const reversed = out.slice(i, j).reverse();
      out.splice(i, j - i, ...reversed);
      i = j;
    }
  }
  return out;
}

function place(
  lines: Line[],
  size: number,
  box: PixelBox,
  style: TextStyle,
  primary: Font,
  truncated: boolean,
): TextLayout {
  const lineHeight = size * style.lineHeight;
  const blockHeight = lines.length * lineHeight;
  const free = box.height - blockHeight;
  const top = box.y + (style.verticalAlign === "top" ? 0 : style.verticalAlign === "middle" ? free / 2 : free);
  const ascent = (primary.ascent / primary.unitsPerEm) * size;
  const descent = (-primary.descent / primary.unitsPerEm) * size;
  const paths: string[] = [];
  const emoji: TextLayout["emoji"] = [];
  const placed = lines.map((line, i) => {
    const pieces = visualOrder(line.units.flatMap((u) => u.pieces));
    const width = pieces.reduce((s, p) => s + p.width, 0) * size;
    const rtl = line.level % 2 === 1;
    const side = style.align === "center" ? "center" : (style.align === "start") !== rtl ? "left" : "right";
    const x = box.x + (side === "left" ? 0 : side === "center" ? (box.width - width) / 2 : box.width - width);
    const baseline = top + i * lineHeight + (lineHeight - ascent - descent) / 2 + ascent;
    let cursor = x;
    const runs = pieces.map((piece) => {
      const run: PlacedRun = { text: piece.text, x: cursor, width: piece.width * size };
      if (piece.emoji) {
        run.emoji = piece.emoji;
        const pad = ((EMOJI_ADVANCE - 1) / 2) * size;
        emoji.push({ file: piece.emoji, x: cursor + pad, y: baseline - size * 0.82, size });
      } else if (piece.font && piece.glyphs) {
        const scale = size / piece.font.unitsPerEm;
        for (const g of piece.glyphs) {
          const gx = cursor + (g.x + g.dx) * size;
          const d = outline(g.glyph, scale, gx, baseline - g.dy * size);
          if (d) paths.push(d);
        }
      }
      cursor += piece.width * size;
      return run;
    });
    return { runs, x, width, baseline, rtl };
  });
  return { fontSize: size, lines: placed, truncated, pathData: paths.join(""), emoji };
}

const SVG_COMMANDS: Record<string, string> = {
  moveTo: "M",
  lineTo: "L",
  quadraticCurveTo: "Q",
  bezierCurveTo: "C",
  closePath: "Z",
};

/**
 * A glyph's outline as path data at a scale and origin (y flipped: fonts point up), to a tenth of
 * a pixel. Written here rather than with fontkit's path.scale().translate().toSVG(), which copies
 * the path twice per glyph and prints every digit.
 */
function outline(glyph: Glyph, scale: number, x: number, y: number): string {
  let d = "";
  for (const { command, args } of glyph.path.commands) {
    d += SVG_COMMANDS[command] ?? "";
    for (let i = 0; i + 1 < args.length; i += 2) {
      if (i > 0) d += " ";
      d += `${Math.round((x + (args[i] ?? 0) * scale) * 10) / 10} ${Math.round((y - (args[i + 1] ?? 0) * scale) * 10) / 10}`;
    }
  }
  return d;
}
