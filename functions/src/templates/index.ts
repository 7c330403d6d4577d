/**
 * STAND-IN FOR THE TEMPLATE ENGINE (issue21-api branch only): the engine branch (issue21-engine)
 * replaces this whole file at merge. It exists so the routes compile and run: it keeps the engine's
 * interface (resolveConfig, renderTemplate, BUILT_IN_TEMPLATES) but draws only the background
 * colour, at the canvas's size, and does not fetch images. No test of the routes looks at pixels.
 */
import sharp from "sharp";
import { validationError } from "../domain/errors";
import {
  CANVAS_SIZES,
  colorSchema,
  templateDefinitionSchema,
  type CanvasRatio,
  type TemplateDefinition,
} from "../domain/template-model";

export type ConfigValue = string | number | null;

/** A caller's `config` checked against the definition's parameters, defaults filled in. */
export function resolveConfig(def: TemplateDefinition, config: unknown): { values: Record<string, ConfigValue> } {
  const given = config ?? {};
  if (typeof given !== "object" || Array.isArray(given)) {
    throw validationError([{ field: "config", reason: "invalid_type", message: "'config' must be an object." }]);
  }
  const values: Record<string, ConfigValue> = {};
  for (const [name, p] of Object.entries(def.parameters)) values[name] = p.default;
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    const p = def.parameters[key];
    const field = `config.${key}`;
    const bad = (reason: string, message: string) => validationError([{ field, reason, message }]);
    if (!p) throw bad("unknown_field", `Unknown field '${field}': the template has no such parameter.`);
    if (p.type === "number") {
      if (typeof value !== "number" || value < p.min || value > p.max) {
        throw bad("invalid_value", `'${field}' must be a number from ${p.min} to ${p.max}.`);
      }
    } else if (p.type === "image") {
      if (value !== null && (typeof value !== "string" || !/^https?:\/\//i.test(value))) {
        throw bad("invalid_value", `'${field}' must be an http(s) URL or null.`);
      }
    } else if (typeof value !== "string") {
      throw bad("invalid_type", `'${field}' must be a string.`);
    } else if (p.type === "text" && value.length > p.maxLength) {
      throw bad("too_big", `'${field}' must be at most ${p.maxLength} characters.`);
    } else if (p.type === "color" && !colorSchema.safeParse(value).success) {
      throw bad("invalid_format", `'${field}' must be a hex colour such as #1d9bf0.`);
    } else if (p.type === "choice" && !p.values.includes(value)) {
      throw bad("invalid_value", `'${field}' must be one of ${p.values.join(", ")}.`);
    }
    values[key] = value;
  }
  return { values };
}

export interface RenderDeps {
  fetchImage(url: string, param: string): Promise<Buffer>;
}

/** Stand-in: the background colour (a literal colour, else white) at the canvas's size. */
export async function renderTemplate(
  def: TemplateDefinition,
  values: Record<string, ConfigValue>,
  ratio: CanvasRatio | undefined,
  deps: RenderDeps,
): Promise<{ png: Buffer; width: number; height: number; ratio: CanvasRatio }> {
  void values;
  void deps;
  const used = ratio ?? def.defaultRatio;
  const { width, height } = CANVAS_SIZES[used];
  const background = typeof def.background === "string" ? def.background : "#ffffff";
  const png = await sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
  return { png, width, height, ratio: used };
}

const card = (slug: string, text: string): TemplateDefinition =>
  templateDefinitionSchema.parse({
    slug,
    parameters: { title: { type: "text", default: text } },
    background: "#0f172a",
    elements: [
      {
        type: "text",
        box: { x: 0.08, y: 0.1, width: 0.84, height: 0.8 },
        content: "{{title}}",
        size: { min: 24, max: 72 },
        color: "#ffffff",
      },
    ],
  });

export const BUILT_IN_TEMPLATES: Record<string, TemplateDefinition> = {
  "og-blog-post": card("og-blog-post", "A blog post"),
  tweetImage: card("tweetImage", "A post"),
  "branded-quote-card": card("branded-quote-card", "A quote"),
  "title-card": card("title-card", "A title"),
};
