import type { CanvasRatio, TemplateDefinition } from "../domain/template-model";
import type { TemplateValues } from "./config";
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
  const engine = await import("./render");
  return engine.renderTemplate(def, values, ratio, deps);
}
