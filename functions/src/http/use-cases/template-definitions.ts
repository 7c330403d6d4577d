import { z } from "zod";
import { AppError, validationError } from "../../domain/errors";
import type { Owner } from "../../domain/owner";
import { templateDefinitionSchema, type TemplateDefinition } from "../../domain/template-model";
import { zodIssues } from "../../domain/zod-issues";
import type { TemplateRecord } from "../../store/template-store";
import type * as Engine from "../../templates";
import { isPlainObject, mergePatch } from "../../domain/merge-patch";
import type { AppDeps } from "../deps";

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- the built-ins come with the engine, loaded on first use */
const engine = () => require("../../templates") as typeof Engine;

/** Templates a user may have (both worlds together): plenty for a brand's cards, bounded for listing. */
export const MAX_TEMPLATES = 100;

export const templateDefinitionViewSchema = z
  .object({
    slug: z.string(),
    builtIn: z.boolean().meta({ description: "A template Postcast ships (read-only), or one of the caller's." }),
    definition: templateDefinitionSchema,
    createdAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "TemplateDefinitionView" });
export type TemplateDefinitionView = z.output<typeof templateDefinitionViewSchema>;

function builtInView(definition: TemplateDefinition): TemplateDefinitionView {
  return { slug: definition.slug, builtIn: true, definition, createdAt: null, updatedAt: null };
}

function ownView(r: TemplateRecord): TemplateDefinitionView {
  return {
    slug: r.slug,
    builtIn: false,
    definition: r.definition,
    createdAt: r.createdAt.toDate().toISOString(),
    updatedAt: r.updatedAt.toDate().toISOString(),
  };
}

function parseDefinition(body: unknown): TemplateDefinition {
  const parsed = templateDefinitionSchema.safeParse(body ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, body));
  return parsed.data;
}

/** The built-in a slug names, compared without case: `TweetImage` would read as Soku's `tweetImage`. */
function builtInNamed(slug: string): TemplateDefinition | undefined {
  const lower = slug.toLowerCase();
  return Object.values(engine().BUILT_IN_TEMPLATES).find((d) => d.slug.toLowerCase() === lower);
}

function builtInRefusal(slug: string, doing: string): AppError {
  return new AppError("conflict", `'${slug}' is a built-in template's slug: ${doing}`, { slug, builtIn: true });
}

/** POST /v1/templates/definitions: a new template of the caller's world. */
export async function createDefinition(deps: AppDeps, caller: Owner, body: unknown): Promise<TemplateDefinitionView> {
  const definition = parseDefinition(body);
  if (builtInNamed(definition.slug)) throw builtInRefusal(definition.slug, "choose another slug.");
  const outcome = await deps.templates.store.create(caller, definition, deps.clock(), MAX_TEMPLATES);
  if (outcome === "exists") {
    throw new AppError(
      "conflict",
      `You already have a template '${definition.slug}': PATCH or DELETE /v1/templates/definitions/${definition.slug}.`,
      { slug: definition.slug },
    );
  }
  if (outcome === "limit") {
    throw new AppError("conflict", `A user may have at most ${MAX_TEMPLATES} templates; delete one first.`, {
      limit: MAX_TEMPLATES,
    });
  }
  const stored = await deps.templates.store.get(caller, definition.slug);
  if (!stored) throw new AppError("internal_error", "The template was stored but could not be read back.");
  return ownView(stored);
}

/** GET /v1/templates/definitions: the built-ins first (what every caller can render), then the caller's by slug. */
export async function listDefinitions(deps: AppDeps, caller: Owner): Promise<TemplateDefinitionView[]> {
  const own = await deps.templates.store.list(caller);
  return [...Object.values(engine().BUILT_IN_TEMPLATES).map(builtInView), ...own.map(ownView)];
}

/** GET /v1/templates/definitions/{slug}: a built-in's too, so a caller can read its parameters. */
export async function getDefinition(deps: AppDeps, caller: Owner, slug: string): Promise<TemplateDefinitionView> {
  const builtIn = engine().BUILT_IN_TEMPLATES[slug];
  if (builtIn) return builtInView(builtIn);
  const own = await deps.templates.store.get(caller, slug);
  if (!own) throw new AppError("not_found", `No template ${slug}.`);
  return ownView(own);
}

/**
 * PATCH /v1/templates/definitions/{slug}: a JSON merge patch (RFC 7396: objects merge, `null`
 * removes a field, anything else replaces) over the stored definition, then the whole result is
 * checked again; the slug cannot change.
 */
export async function patchDefinition(
  deps: AppDeps,
  caller: Owner,
  slug: string,
  patch: unknown,
): Promise<TemplateDefinitionView> {
  if (engine().BUILT_IN_TEMPLATES[slug]) throw builtInRefusal(slug, "built-in templates cannot be changed.");
  if (!isPlainObject(patch)) {
    throw validationError([
      { field: "", reason: "invalid_type", message: "The body must be a JSON object (a merge patch)." },
    ]);
  }
  const updated = await deps.templates.store.update(
    caller,
    slug,
    (current) => {
      const merged = mergePatch(current, patch);
      const definition = parseDefinition(merged);
      if (definition.slug !== slug) {
        throw validationError([
          { field: "slug", reason: "immutable", message: "A template's slug cannot change: create a new template." },
        ]);
      }
      return definition;
    },
    deps.clock(),
  );
  if (!updated) throw new AppError("not_found", `No template ${slug}.`);
  return ownView(updated);
}

/** DELETE /v1/templates/definitions/{slug}: images already rendered from it stay (they are media). */
export async function deleteDefinition(deps: AppDeps, caller: Owner, slug: string): Promise<void> {
  if (engine().BUILT_IN_TEMPLATES[slug]) throw builtInRefusal(slug, "built-in templates cannot be deleted.");
  if (!(await deps.templates.store.delete(caller, slug))) throw new AppError("not_found", `No template ${slug}.`);
}
