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

export async function renderTemplate(
  def: TemplateDefinition,
  values: TemplateValues,
  ratio: CanvasRatio | undefined,
  deps: RenderDeps,
): Promise<RenderedTemplate> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine loads on the first render
  const engine = require("./render") as typeof Render;
  return engine.renderTemplate(def, values, ratio, deps);
}
