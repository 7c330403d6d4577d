import fc from "fast-check";
import { layoutText, type TextStyle } from "../../../src/templates/text-layout";

const style = (overrides: Partial<TextStyle> = {}): TextStyle => ({
  family: "sans",
  weight: 400,
  size: { min: 20, max: 20 },
  align: "start",
  verticalAlign: "top",
  lineHeight: 1.25,
  ...overrides,
});
const box = { x: 100, y: 50, width: 400, height: 400 };
/** Each line's text in visual (left-to-right) order. */
const lineTexts = (text: string, s: TextStyle, b = box) =>
  layoutText(text, s, b).lines.map((l) => l.runs.map((r) => r.text).join(""));

describe("layoutText", () => {
  it("keeps a short text on one line and wraps a long one at spaces, inside the box", () => {
    expect(lineTexts("Hello world", style())).toEqual(["Hello world"]);
    const words = "the quick brown fox jumps over the lazy dog ".repeat(4).trim();
    const layout = layoutText(words, style(), box);
    expect(layout.lines.length).toBeGreaterThan(2);
    for (const line of layout.lines) {
      expect(line.width).toBeLessThanOrEqual(box.width + 0.01);
      expect(line.runs[0]?.text).not.toBe(" ");
    }
    // Every word kept whole, in order.
    expect(lineTexts(words, style()).join(" ")).toBe(words);
  });

  it("shrinks from size.max toward size.min until the text fits, and no further", () => {
    const text = "A headline that is a little too long for one line";
    const big = layoutText(text, style({ size: { min: 10, max: 80 }, maxLines: 1 }), box);
    expect(big.lines).toHaveLength(1);
    expect(big.fontSize).toBeLessThan(80);
    expect(big.fontSize).toBeGreaterThan(10);
    expect(big.lines[0]?.width).toBeLessThanOrEqual(box.width + 0.01);
    // A little larger would not fit on one line.
    const larger = layoutText(
      text,
      style({ size: { min: big.fontSize + 1, max: big.fontSize + 1 }, maxLines: 1 }),
      box,
    );
    expect(larger.truncated).toBe(true);
    expect(layoutText("Short", style({ size: { min: 10, max: 80 } }), box).fontSize).toBe(80);
  });

  it("clamps to maxLines (and to the box) with an ellipsis, at size.min", () => {
    const text = "word ".repeat(300);
    const clamped = layoutText(text, style({ size: { min: 20, max: 40 }, maxLines: 3 }), box);
    expect(clamped.fontSize).toBe(20);
    expect(clamped.truncated).toBe(true);
    expect(clamped.lines).toHaveLength(3);
    expect(clamped.lines[2]?.runs.at(-1)?.text).toBe("…");
    const byBox = layoutText(text, style(), { ...box, height: 100 });
    expect(byBox.lines).toHaveLength(4); // floor(100 / 25)
    expect(byBox.lines.at(-1)?.runs.at(-1)?.text).toBe("…");
    expect(byBox.lines.at(-1)?.width).toBeLessThanOrEqual(box.width + 0.01);
  });

  it("makes room for the ellipsis on a full last line", () => {
    const full = layoutText("x".repeat(2000), style({ size: { min: 12, max: 36 }, maxLines: 3 }), box);
    expect(full.lines).toHaveLength(3);
    expect(full.lines[2]?.runs.at(-1)?.text).toBe("…");
    expect(full.lines[2]?.width).toBeLessThanOrEqual(box.width + 0.01);
  });

  it("cuts a word longer than the line between graphemes", () => {
    const lines = lineTexts("x".repeat(200), style());
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join("")).toBe("x".repeat(200));
  });

  it("orders Arabic right to left: the first word on the right, the line aligned right", () => {
    const layout = layoutText("سلام عليكم", style(), box);
    const [line] = layout.lines;
    expect(line?.rtl).toBe(true);
    const first = line?.runs.find((r) => r.text === "سلام");
    const second = line?.runs.find((r) => r.text === "عليكم");
    expect(first && second && first.x > second.x).toBe(true);
    // `start` is the right edge of a right-to-left paragraph.
    expect((line?.x ?? 0) + (line?.width ?? 0)).toBeCloseTo(box.x + box.width, 5);
  });

  it("keeps a Latin run left to right inside an Arabic paragraph, and mirrors brackets", () => {
    const [line] = lineTexts("مرحبا Hello World (نص)", style());
    // Visually: the bracketed word leftmost (mirrored brackets), then the Latin run in its own order, then مرحبا.
    expect(line).toBe("(نص) Hello World مرحبا");
    const [ltr] = lineTexts("Hello مرحبا عالم!", style());
    expect(ltr).toBe("Hello عالم مرحبا!");
  });

  it("breaks Chinese between characters, never before closing punctuation", () => {
    const text = "这是一个用于检查中文换行是否正确的句子，它没有空格。";
    const lines = lineTexts(text, style(), { ...box, width: 150 });
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join("")).toBe(text);
    for (const line of lines) expect(line).not.toMatch(/^[，。]/u);
    expect(layoutText(text, style(), { ...box, width: 150 }).lines.every((l) => l.width <= 150.01)).toBe(true);
  });

  it("does not shrink Chinese to keep a dictionary word on one line: any two characters may part", () => {
    // Breaking only between ICU's words (中华|人民|共和国|的|宪法) would leave 中华人民 on the first line.
    const layout = layoutText("中华人民共和国的宪法", style({ size: { min: 10, max: 20 } }), { ...box, width: 100 });
    expect(layout.fontSize).toBe(20);
    expect(layout.lines.map((l) => l.runs.map((r) => r.text).join(""))).toEqual(["中华人民共", "和国的宪法"]);
  });

  it("aligns center and end, and places the block vertically", () => {
    const center = layoutText("Hi", style({ align: "center", verticalAlign: "middle" }), box).lines[0];
    expect((center?.x ?? 0) - box.x).toBeCloseTo(box.x + box.width - ((center?.x ?? 0) + (center?.width ?? 0)), 5);
    expect(center?.baseline).toBeGreaterThan(box.y + box.height / 2 - 20);
    expect(center?.baseline).toBeLessThan(box.y + box.height / 2 + 20);
    const end = layoutText("Hi", style({ align: "end", verticalAlign: "bottom" }), box).lines[0];
    expect((end?.x ?? 0) + (end?.width ?? 0)).toBeCloseTo(box.x + box.width, 5);
    expect(end?.baseline).toBeGreaterThan(box.y + box.height - 25);
  });

  it("draws emoji as Twemoji images one em square, and text as path data", () => {
    const layout = layoutText("Go 🚀", style({ size: { min: 40, max: 40 } }), box);
    expect(layout.emoji).toEqual([expect.objectContaining({ file: "1f680.svg", size: 40 })]);
    expect(layout.pathData).toMatch(/^M[-\d.]+[ ,][-\d.]+/);
  });
});

describe("layoutText on any string", () => {
  it("never throws, stays inside the box's width and within maxLines", () => {
    const scripts = fc.constantFrom(
      "a",
      "Z",
      " ",
      "\n",
      "ش",
      "ل",
      "中",
      "。",
      "👍🏽",
      "🇫🇷",
      "\u200d",
      "\u0301",
      "(",
      "…",
    );
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.array(scripts, { maxLength: 300 }).map((parts) => parts.join("")),
      // Long enough to need the ellipsis (fast-check's default sizes stay small).
      fc.array(scripts, { minLength: 150, maxLength: 400, size: "max" }).map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 6 }), (t, maxLines) => {
        const narrow = { x: 10, y: 10, width: 300, height: 120 };
        const layout = layoutText(t, style({ size: { min: 12, max: 36 }, maxLines }), narrow);
        expect(layout.lines.length).toBeLessThanOrEqual(maxLines);
        for (const line of layout.lines) expect(line.width).toBeLessThanOrEqual(narrow.width + 0.01);
        expect(layout.fontSize).toBeGreaterThanOrEqual(12);
      }),
      { numRuns: 150 },
    );
  });
});
