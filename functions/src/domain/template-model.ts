import { z } from "zod";

/**
 * The template model (issue 21): a constrained layout of boxes on a canvas, each bound to declared
 * parameters. Built-in templates and users' templates are both this data, rendered by one engine
 * (src/templates/). Pure: no firebase, no I/O.
 *
 * Geometry is in fractions of the canvas (0..1), so one layout serves every size; a layout that
 * needs another arrangement for a tall canvas gives per-ratio boxes (`boxes`). Font sizes are in
 * pixels of a 1200-pixel-wide canvas and scale with the canvas's width.
 */

/** Soku's ratios and the canvas each renders at; without one, a template's own default. */
export const CANVAS_SIZES = {
  "1.91:1": { width: 1200, height: 630 },
  "1:1": { width: 1080, height: 1080 },
  "4:5": { width: 1080, height: 1350 },
  "9:16": { width: 1080, height: 1920 },
} as const;
export type CanvasRatio = keyof typeof CANVAS_SIZES;
/** What a caller may ask for (Soku's three); 1.91:1 is the default canvas, not a requestable ratio. */
export const REQUESTABLE_RATIOS = ["1:1", "4:5", "9:16"] as const;
export type AspectRatio = (typeof REQUESTABLE_RATIOS)[number];
export const REFERENCE_WIDTH = 1200;

export const templateSlugSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a letter, then up to 63 letters, digits, '-' or '_'");
export const colorSchema = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, "a hex colour such as #1d9bf0");

const description = z.string().max(300).optional();
const paramName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, "a letter, then up to 39 letters, digits or '_'");
/**
 * Other config keys a caller may give this parameter's value under (a Soku-era field name beside
 * the card's own, e.g. tweetImage's `text` for `title`); at most one of them per request.
 */
const aliases = z.array(paramName).min(1).max(5).optional();

/** A template's declared inputs; a caller's `config` is checked against these (unknown keys refused). */
export const parameterSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("text"),
    default: z.string().max(2000),
    maxLength: z.number().int().min(1).max(2000).default(500),
    description,
    aliases,
  }),
  z.strictObject({ type: z.literal("color"), default: colorSchema, description, aliases }),
  /** An http(s) image URL, fetched with the media safe fetch; null: the element is left out. */
  z.strictObject({ type: z.literal("image"), default: z.string().max(4096).nullable(), description, aliases }),
  z.strictObject({
    type: z.literal("choice"),
    values: z.array(z.string().min(1).max(40)).min(1).max(20),
    default: z.string(),
    description,
    aliases,
  }),
  z.strictObject({
    type: z.literal("number"),
    min: z.number(),
    max: z.number(),
    default: z.number(),
    description,
    aliases,
  }),
]);
export type TemplateParameter = z.output<typeof parameterSchema>;

/** A fraction of the canvas: x/y of the top-left corner, width/height. */
export const boxSchema = z.strictObject({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  width: z.number().gt(0).max(1),
  height: z.number().gt(0).max(1),
});
export type Box = z.output<typeof boxSchema>;

/** A colour given literally or by a `color` (or `choice` mapped through `map`) parameter. */
export const paintSchema = z.union([
  colorSchema,
  z.strictObject({ param: paramName, map: z.record(z.string(), colorSchema).optional() }),
  z.strictObject({
    gradient: z.strictObject({ from: colorSchema, to: colorSchema, angle: z.number().min(0).max(360).default(90) }),
  }),
]);
export type Paint = z.output<typeof paintSchema>;

const placement = {
  box: boxSchema,
  /** Another box for a given ratio's canvas. */
  boxes: z.partialRecord(z.enum(["1.91:1", "1:1", "4:5", "9:16"]), boxSchema).optional(),
  opacity: z.number().min(0).max(1).default(1),
  /** A `choice`, `text` or `image` parameter that hides the element when empty (or null) or "none"/"false". */
  showIf: paramName.optional(),
};

export const fontFamilySchema = z.enum(["sans", "serif", "mono"]);

export const elementSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("rect"),
    ...placement,
    fill: paintSchema,
    /** Corner radius as a fraction of the box's shorter side (0.5 on a square: a circle). */
    radius: z.number().min(0).max(0.5).default(0),
  }),
  z.strictObject({
    type: z.literal("text"),
    ...placement,
    /** Text with `{{name}}` references to declared parameters. */
    content: z.string().max(2000),
    font: z
      .strictObject({
        family: fontFamilySchema.default("sans"),
        weight: z.union([z.literal(400), z.literal(700)]).default(400),
      })
      .default({ family: "sans", weight: 400 }),
    /** The text shrinks from max toward min to fit its box, then clamps with an ellipsis. */
    size: z.strictObject({ min: z.number().min(8).max(400), max: z.number().min(8).max(400) }),
    color: paintSchema,
    align: z.enum(["start", "center", "end"]).default("start"),
    verticalAlign: z.enum(["top", "middle", "bottom"]).default("top"),
    lineHeight: z.number().min(0.8).max(3).default(1.25),
    maxLines: z.number().int().min(1).max(50).optional(),
  }),
  z.strictObject({
    type: z.literal("image"),
    ...placement,
    /** An `image` parameter's name. */
    source: paramName,
    fit: z.enum(["cover", "contain"]).default("cover"),
    radius: z.number().min(0).max(0.5).default(0),
  }),
]);
export type TemplateElement = z.output<typeof elementSchema>;

export const templateDefinitionSchema = z
  .strictObject({
    slug: templateSlugSchema,
    name: z.string().min(1).max(100).optional(),
    description,
    /** The canvas used when a request gives no aspectRatio. */
    defaultRatio: z.enum(["1.91:1", "1:1", "4:5", "9:16"]).default("1.91:1"),
    parameters: z
      .record(paramName, parameterSchema)
      .refine((p) => Object.keys(p).length <= 30, "at most 30 parameters"),
    background: paintSchema.default("#ffffff"),
    elements: z.array(elementSchema).min(1).max(40),
  })
  .superRefine((def, ctx) => {
    for (const [name, param] of Object.entries(def.parameters)) checkParameter(param, ["parameters", name], ctx);
    checkAliases(def.parameters, ctx);
    checkPaint(def.background, def.parameters, ["background"], ctx);
    def.elements.forEach((element, i) => checkElement(element, def.parameters, ["elements", i], ctx));
  });
export type TemplateDefinition = z.output<typeof templateDefinitionSchema>;

/** `{{name}}` in a text element's content; anything else between braces stays literal text. */
export const CONTENT_REFERENCE = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,39})\s*\}\}/g;

export function contentReferences(content: string): string[] {
  return [...content.matchAll(CONTENT_REFERENCE)].map((m) => m[1] ?? "");
}

type Parameters = Record<string, TemplateParameter>;
type Path = (string | number)[];
type RefineContext = z.RefinementCtx;

/** Each alias names no parameter and no other alias, so every config key means one parameter. */
function checkAliases(parameters: Parameters, ctx: RefineContext): void {
  const seen = new Set(Object.keys(parameters));
  for (const [name, param] of Object.entries(parameters)) {
    (param.aliases ?? []).forEach((alias, i) => {
      if (seen.has(alias)) {
        ctx.addIssue({
          code: "custom",
          path: ["parameters", name, "aliases", i],
          message: `'${alias}' is already a parameter or another parameter's alias`,
        });
      }
      seen.add(alias);
    });
  }
}

function checkParameter(param: TemplateParameter, path: Path, ctx: RefineContext): void {
  if (param.type === "choice" && !param.values.includes(param.default)) {
    ctx.addIssue({ code: "custom", path: [...path, "default"], message: "the default must be one of `values`" });
  }
  if (param.type === "number") {
    if (param.min > param.max) ctx.addIssue({ code: "custom", path: [...path, "min"], message: "min exceeds max" });
    else if (param.default < param.min || param.default > param.max) {
      ctx.addIssue({ code: "custom", path: [...path, "default"], message: "the default must be within [min, max]" });
    }
  }
  if (param.type === "text" && param.default.length > param.maxLength) {
    ctx.addIssue({ code: "custom", path: [...path, "default"], message: "the default is longer than maxLength" });
  }
}

/** Adds an issue unless `name` is declared with one of `types`. */
function checkReference(
  name: string,
  types: readonly TemplateParameter["type"][],
  params: Parameters,
  path: Path,
  ctx: RefineContext,
): TemplateParameter | undefined {
  const param = Object.hasOwn(params, name) ? params[name] : undefined;
  if (!param) {
    ctx.addIssue({ code: "custom", path, message: `"${name}" is not a declared parameter` });
  } else if (!types.includes(param.type)) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `"${name}" is a ${param.type} parameter; expected ${types.join(" or ")}`,
    });
  } else return param;
  return undefined;
}

function checkPaint(paint: Paint, params: Parameters, path: Path, ctx: RefineContext): void {
  if (typeof paint === "string" || !("param" in paint)) return;
  const param = checkReference(paint.param, ["color", "choice"], params, [...path, "param"], ctx);
  if (param?.type === "choice") {
    const missing = param.values.filter((v) => !paint.map || !Object.hasOwn(paint.map, v));
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "map"],
        message: `map gives no colour for ${missing.join(", ")}`,
      });
    }
  } else if (param && paint.map) {
    ctx.addIssue({ code: "custom", path: [...path, "map"], message: "map applies only to a choice parameter" });
  }
}

function checkElement(element: TemplateElement, params: Parameters, path: Path, ctx: RefineContext): void {
  if (element.showIf !== undefined) {
    checkReference(element.showIf, ["choice", "text", "image"], params, [...path, "showIf"], ctx);
  }
  if (element.type === "rect") checkPaint(element.fill, params, [...path, "fill"], ctx);
  if (element.type === "image") checkReference(element.source, ["image"], params, [...path, "source"], ctx);
  if (element.type === "text") {
    for (const name of contentReferences(element.content)) {
      checkReference(name, ["text", "choice", "number"], params, [...path, "content"], ctx);
    }
    checkPaint(element.color, params, [...path, "color"], ctx);
    if (element.size.min > element.size.max) {
      ctx.addIssue({ code: "custom", path: [...path, "size", "min"], message: "size.min exceeds size.max" });
    }
  }
}
