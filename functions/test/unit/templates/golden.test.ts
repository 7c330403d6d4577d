/**
 * Golden images: every built-in template at every ratio, rendered with its defaults, against the PNG
 * in test/goldens/templates/ (`<slug>-<ratio>.png`, the ratio's ":" written "x"), with pixelmatch's
 * per-pixel colour threshold 0.1 and at most 0.5 % of the pixels differing, so a change of font
 * version or anti-aliasing passes and a moved, lost or re-coloured element fails. A failure leaves the
 * actual render and a diff image beside the golden (`.actual.png`, `.diff.png`, ignored by git).
 * `UPDATE_GOLDENS=1 npx jest --selectProjects unit --testPathPattern templates/golden` rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pixelmatch from "pixelmatch";
import sharp from "sharp";
import { CANVAS_SIZES, type CanvasRatio, type TemplateDefinition } from "../../../src/domain/template-model";
import { BUILT_IN_TEMPLATES, renderTemplate, resolveConfig } from "../../../src/templates";

const GOLDENS = path.join(__dirname, "..", "..", "goldens", "templates");
const UPDATE = process.env.UPDATE_GOLDENS === "1";
/** pixelmatch's threshold: how far apart (YIQ, 0..1) two pixels' colours may be and still match. */
const COLOUR_THRESHOLD = 0.1;
const MAX_DIFFERING_SHARE = 0.005;

/** The defaults need no image: a fetch would mean a default reached the network. */
const noFetch = {
  fetchImage: (url: string, param: string) => Promise.reject(new Error(`unexpected fetch of ${param}: ${url}`)),
};

async function render(def: TemplateDefinition, config: unknown, ratio: CanvasRatio | undefined) {
  const { values } = resolveConfig(def, config);
  return renderTemplate(def, values, ratio, noFetch);
}

async function rgba(png: Buffer) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Compares a render to its golden (or writes the golden under UPDATE_GOLDENS=1). */
async function expectGolden(name: string, png: Buffer): Promise<void> {
  const golden = path.join(GOLDENS, `${name}.png`);
  const actualFile = path.join(GOLDENS, `${name}.actual.png`);
  const diffFile = path.join(GOLDENS, `${name}.diff.png`);
  rmSync(actualFile, { force: true });
  rmSync(diffFile, { force: true });
  if (UPDATE) {
    mkdirSync(GOLDENS, { recursive: true });
    writeFileSync(golden, png);
    return;
  }
  if (!existsSync(golden))
    throw new Error(`no golden ${path.relative(process.cwd(), golden)}: render it with UPDATE_GOLDENS=1 and review it`);
  const [actual, expected] = await Promise.all([rgba(png), rgba(readFileSync(golden))]);
  expect({ width: actual.width, height: actual.height }).toEqual({ width: expected.width, height: expected.height });
  const diff = Buffer.alloc(actual.width * actual.height * 4);
  const differing = pixelmatch(actual.data, expected.data, diff, actual.width, actual.height, {
    threshold: COLOUR_THRESHOLD,
  });
  const share = differing / (actual.width * actual.height);
  if (share <= MAX_DIFFERING_SHARE) return;
  writeFileSync(actualFile, png);
  await sharp(diff, { raw: { width: actual.width, height: actual.height, channels: 4 } })
    .png()
    .toFile(diffFile);
  throw new Error(
    `${name}: ${(share * 100).toFixed(2)} % of the pixels differ from the golden (at most ` +
      `${MAX_DIFFERING_SHARE * 100} %): see ${path.relative(process.cwd(), actualFile)} and its .diff.png`,
  );
}

const ratios = Object.keys(CANVAS_SIZES) as CanvasRatio[];
const cases = Object.keys(BUILT_IN_TEMPLATES).flatMap((slug) => ratios.map((ratio) => [slug, ratio] as const));

describe("built-in templates against their goldens", () => {
  it("covers the four templates at the four ratios", () => {
    expect(cases).toHaveLength(16);
  });

  it.each(cases)("%s at %s, with its defaults", async (slug, ratio) => {
    const def = BUILT_IN_TEMPLATES[slug]!;
    // The template's own ratio is what a request without aspectRatio gets: render it that way.
    const out = await render(def, {}, ratio === def.defaultRatio ? undefined : ratio);
    expect({ ratio: out.ratio, width: out.width, height: out.height }).toEqual({ ratio, ...CANVAS_SIZES[ratio] });
    const meta = await sharp(out.png).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: "png",
      ...CANVAS_SIZES[ratio],
    });
    await expectGolden(`${slug}-${ratio.replace(":", "x")}`, out.png);
  });

  it("renders Latin, CJK, Arabic and emoji (sequences and a flag) in one card", async () => {
    const out = await render(
      BUILT_IN_TEMPLATES["title-card"]!,
      { title: "Hello 中文 مرحبا 🚀", subtitle: "👩🏽‍💻🇯🇵 Latin, 中文 and العربية (right to left) in one line" },
      undefined,
    );
    await expectGolden("title-card-scripts", out.png);
  });
});
