import pLimit from "p-limit";
import type { CanvasRatio, TemplateDefinition } from "../domain/template-model";
import type { TemplateValues } from "./config";
import type * as Render from "./render";
import type { RenderDeps, RenderedTemplate } from "./render";

/**
 * The template engine's interface. Resolving a config is pure and cheap; rendering loads the
 * engine (fontkit, bidi-js, fonts, sharp) on its first call, so importing this module costs the
 * API's cold start nothing.
 */
export { resolveConfig, type TemplateValue, type TemplateValues } from "./config";
export { BUILT_IN_TEMPLATES } from "./built-ins";
export { templateImageFetcher, TEMPLATE_IMAGE_MAX_BYTES } from "./fetch-image";
export type { RenderDeps, RenderedTemplate } from "./render";

/**
 * Renders at once per instance. A render holds its SVG, glyph outlines and a raster (a text-heavy
 * card peaks near 300 MB of the process; a user template of 40 full text boxes near 400 MB for
 * seconds), so an instance serving many requests at once must not run many: the rest wait their
 * turn instead of taking the instance's memory (1 GiB) and every request on it down with them.
 */
export const MAX_CONCURRENT_RENDERS = 2;
const renders = pLimit(MAX_CONCURRENT_RENDERS);

/** How many renders are running and waiting on this instance (for tests and logs). */
export function renderLoad(): { active: number; pending: number } {
  return { active: renders.activeCount, pending: renders.pendingCount };
}

export async function renderTemplate(
  def: TemplateDefinition,
  values: TemplateValues,
  ratio: CanvasRatio | undefined,
  deps: RenderDeps,
): Promise<RenderedTemplate> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine loads on the first render
  const engine = require("./render") as typeof Render;
  return renders(() => engine.renderTemplate(def, values, ratio, deps));
}
