/**
 * The built-in templates as data: each is a valid definition, uses every parameter it declares (and
 * only declared ones, of a fitting type), and is laid out for every canvas; the model example in
 * docs/templates.md is a valid definition too.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../dev/local-config";
import {
  CANVAS_SIZES,
  REQUESTABLE_RATIOS,
  templateDefinitionSchema,
  type CanvasRatio,
  type Paint,
  type TemplateDefinition,
} from "../../../src/domain/template-model";
import { BUILT_IN_TEMPLATES } from "../../../src/templates/built-ins";

const builtIns = Object.entries(BUILT_IN_TEMPLATES);

/** Every parameter reference in a definition, with the parameter types that may fill it. */
function references(def: TemplateDefinition): { name: string; types: string[]; where: string }[] {
  const out: { name: string; types: string[]; where: string }[] = [];
  const paint = (p: Paint, where: string) => {
    if (typeof p === "object" && "param" in p)
      out.push({ name: p.param, types: p.map ? ["choice"] : ["color"], where });
  };
  paint(def.background, "background");
  def.elements.forEach((el, i) => {
    const where = `elements[${i}]`;
    if (el.showIf) out.push({ name: el.showIf, types: ["choice", "text", "image"], where: `${where}.showIf` });
    if (el.type === "rect") paint(el.fill, `${where}.fill`);
    if (el.type === "image") out.push({ name: el.source, types: ["image"], where: `${where}.source` });
    if (el.type === "text") {
      paint(el.color, `${where}.color`);
      for (const [, name = ""] of el.content.matchAll(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g))
        out.push({ name, types: ["text", "choice", "number"], where: `${where}.content` });
    }
  });
  return out;
}

describe("the built-in templates", () => {
  it("are the four of the issue, each under its own slug", () => {
    expect(Object.keys(BUILT_IN_TEMPLATES).sort()).toEqual(
      ["branded-quote-card", "og-blog-post", "title-card", "tweetImage"].sort(),
    );
    for (const [slug, def] of builtIns) expect(def.slug).toBe(slug);
  });

  it("find nothing under an Object method's name (a caller's slug is looked up here)", () => {
    for (const slug of ["toString", "constructor", "hasOwnProperty", "__proto__", "valueOf"])
      expect(BUILT_IN_TEMPLATES[slug]).toBeUndefined();
  });

  it.each(builtIns)("%s parses through the model's schema unchanged", (_slug, def) => {
    expect(templateDefinitionSchema.parse(def)).toEqual(def);
    expect(def.defaultRatio).toBe("1.91:1");
  });

  it.each(builtIns)("%s uses every parameter it declares, each by a reference of a fitting type", (_slug, def) => {
    const refs = references(def);
    expect(Object.keys(def.parameters).filter((name) => !refs.some((r) => r.name === name))).toEqual([]);
    const misfits = refs.filter((r) => !r.types.includes(def.parameters[r.name]?.type ?? "undeclared"));
    expect(misfits).toEqual([]);
    const paints = [
      def.background,
      ...def.elements.flatMap((el) => (el.type === "text" ? [el.color] : el.type === "rect" ? [el.fill] : [])),
    ];
    for (const paint of paints) {
      if (typeof paint !== "object" || !("param" in paint) || !paint.map) continue;
      const param = def.parameters[paint.param];
      if (param?.type !== "choice") throw new Error(`${paint.param} maps colours but is not a choice`);
      expect(Object.keys(paint.map).sort()).toEqual([...param.values].sort());
    }
  });

  it.each(builtIns)("%s has defaults that render a whole card: its text parameters mostly non-empty", (_slug, def) => {
    const texts = Object.values(def.parameters).filter((p) => p.type === "text");
    expect(texts.filter((p) => p.type === "text" && p.default.trim() !== "").length).toBeGreaterThanOrEqual(
      texts.length - 1,
    );
    for (const p of Object.values(def.parameters)) if (p.type === "image") expect(p.default).toBeNull();
  });

  it.each(builtIns)("%s lays out each element for every ratio, inside the canvas", (_slug, def) => {
    const fullCanvas = (b: { x: number; y: number; width: number; height: number }) =>
      b.x === 0 && b.y === 0 && b.width === 1 && b.height === 1;
    for (const el of def.elements) {
      if (!fullCanvas(el.box)) expect(Object.keys(el.boxes ?? {}).sort()).toEqual([...REQUESTABLE_RATIOS].sort());
      for (const b of [el.box, ...Object.values(el.boxes ?? {})]) {
        expect(b.x + b.width).toBeLessThanOrEqual(1 + 1e-9);
        expect(b.y + b.height).toBeLessThanOrEqual(1 + 1e-9);
      }
    }
  });

  it.each(builtIns)("%s keeps round images and circles round on every canvas", (_slug, def) => {
    for (const el of def.elements) {
      if (el.type === "text" || el.radius !== 0.5) continue;
      for (const ratio of Object.keys(CANVAS_SIZES) as CanvasRatio[]) {
        const b = el.boxes?.[ratio] ?? el.box;
        const { width, height } = CANVAS_SIZES[ratio];
        expect(Math.abs(b.width * width - b.height * height)).toBeLessThan(1);
      }
    }
  });
});

describe("docs/templates.md", () => {
  const doc = readFileSync(path.join(REPO_ROOT, "docs", "templates.md"), "utf8");

  it("gives a complete user template that is a valid definition", () => {
    const example = /<!-- example-definition -->\s*```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const def = templateDefinitionSchema.parse(JSON.parse(example ?? ""));
    const refs = references(def);
    expect(Object.keys(def.parameters).filter((name) => !refs.some((r) => r.name === name))).toEqual([]);
    expect(refs.filter((r) => !r.types.includes(def.parameters[r.name]?.type ?? "undeclared"))).toEqual([]);
  });

  it.each(builtIns)("documents %s with each of its parameters", (slug, def) => {
    const section = doc.split(/^### /m).find((s) => s.startsWith(`\`${slug}\``));
    expect(section).toBeDefined();
    for (const name of Object.keys(def.parameters)) expect(section).toContain(`| \`${name}\` |`);
  });
});
