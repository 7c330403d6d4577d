import type { z } from "zod";
import type { templateDefinitionSchema } from "../../domain/template-model";

/** A definition as written (defaults not yet applied); index.ts parses each through the model's schema. */
export type TemplateDefinitionInput = z.input<typeof templateDefinitionSchema>;
