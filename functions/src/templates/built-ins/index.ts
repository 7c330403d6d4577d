import type { TemplateDefinition } from "../../domain/template-model";

export const BUILT_IN_TEMPLATES: Record<string, TemplateDefinition> = {};
