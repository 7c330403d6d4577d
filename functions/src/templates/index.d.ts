/**
 * TEMPORARY (branch issue21-content only): the engine's interface as agreed in the issue 21 design, so
 * the golden and random-config tests typecheck before the engine (branch issue21-engine, whose
 * src/templates/index.ts implements it) is merged. Remove this file at the merge.
 */
import type { CanvasRatio, TemplateDefinition } from "../domain/template-model";

export { BUILT_IN_TEMPLATES } from "./built-ins";

export declare function resolveConfig(
  def: TemplateDefinition,
  config: unknown,
): { values: Readonly<Record<string, string | number | null>> };

export declare function renderTemplate(
  def: TemplateDefinition,
  values: Readonly<Record<string, string | number | null>>,
  ratio: CanvasRatio | undefined,
  deps: { fetchImage(url: string, param: string): Promise<Buffer> },
): Promise<{ png: Buffer; width: number; height: number; ratio: CanvasRatio }>;
