import { z } from "zod";
import { canonicalJson, sha256Hex } from "../../domain/canonical-json";
import { validationError } from "../../domain/errors";
import { idempotencyIdentity } from "../../domain/idempotency";
import type { Owner } from "../../domain/owner";
import { REQUESTABLE_RATIOS, templateSlugSchema, type TemplateDefinition } from "../../domain/template-model";
import { zodIssues } from "../../domain/zod-issues";
import type { MediaRecord } from "../../store/media-record-store";
import type * as Engine from "../../templates";
import type { AppDeps } from "../deps";
import { makeMediaOnce } from "./media";

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine (fonts, shaping) loads on the first render, never at an instance's start */
const engine = () => require("../../templates") as typeof Engine;

/** Soku's body of POST /v1/templates (and POST /v1/media/render-og). */
export const renderTemplateBody = z.strictObject({
  templateSlug: z
    .string()
    .min(1)
    .max(64)
    .meta({ description: "A built-in template's slug or one of the caller's own.", example: "og-blog-post" }),
  config: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .meta({ description: "Values of the template's parameters by name; omitted ones take their defaults." }),
  aspectRatio: z
    .enum(REQUESTABLE_RATIOS)
    .optional()
    .meta({ description: "1:1 (1080×1080), 4:5 (1080×1350) or 9:16 (1080×1920); omitted: the template's own." }),
});

export const renderedTemplateSchema = z
  .object({
    id: z.string().meta({ description: "Soku's `id` of the rendered image: the same as mediaId." }),
    mediaId: z.string(),
    url: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    templateSlug: z.string(),
    contentType: z.literal("image/png"),
    expiresAt: z.iso.datetime(),
    replayed: z.boolean(),
  })
  .meta({ id: "RenderedTemplate" });
export type RenderedTemplate = z.output<typeof renderedTemplateSchema>;

/**
 * The definition a slug names: a built-in, else the caller's own (of its key's world). A built-in's
 * slug may not be taken by a user's template (template-definitions.ts), so the order only matters
 * if a later release adds a built-in a user already named: the documented meaning then wins.
 */
export async function findTemplate(
  deps: AppDeps,
  caller: Owner,
  slug: string,
): Promise<{ definition: TemplateDefinition; builtIn: boolean } | null> {
  const builtIn = engine().BUILT_IN_TEMPLATES[slug];
  if (builtIn) return { definition: builtIn, builtIn: true };
  // Not a slug (a "/" would make a Firestore path of it): no template has it.
  if (!templateSlugSchema.safeParse(slug).success) return null;
  const own = await deps.templates.store.get(caller, slug);
  return own ? { definition: own.definition, builtIn: false } : null;
}

/**
 * POST /v1/templates: renders a template to a PNG stored as the caller's media (retention and
 * all), so a post can use it by URL or by mediaIds. Idempotent like POST /v1/media: the same
 * Idempotency-Key (or, without one, the same body and definition) gets the same image back.
 */
export async function renderTemplateToMedia(
  deps: AppDeps,
  caller: Owner,
  input: { idempotencyKey: string | undefined; body: unknown },
): Promise<{ id: string; media: MediaRecord; replayed: boolean; templateSlug: string }> {
  const parsed = renderTemplateBody.safeParse(input.body ?? {});
  if (!parsed.success) throw validationError(zodIssues(parsed.error, input.body));
  const { templateSlug, aspectRatio } = parsed.data;
  const config = parsed.data.config ?? {};
  const found = await findTemplate(deps, caller, templateSlug);
  if (!found) {
    throw validationError([
      {
        field: "templateSlug",
        reason: "unknown_template",
        message: `No template '${templateSlug}': use a built-in's slug or one of yours (GET /v1/templates/definitions).`,
      },
    ]);
  }
  const { definition } = found;
  const { values } = engine().resolveConfig(definition, config);

  // A derived key also covers the definition: after a PATCH, the same body renders anew.
  const asked = { render: { templateSlug, config, aspectRatio: aspectRatio ?? null } };
  const keyed =
    input.idempotencyKey === undefined ? { ...asked, definition: sha256Hex(canonicalJson(definition)) } : asked;
  const idem = idempotencyIdentity(caller.userId, caller.mode, input.idempotencyKey, keyed);
  const made = await makeMediaOnce(deps, caller, idem, { sourceUrl: null }, async (owner) => {
    const rendered = await engine().renderTemplate(definition, values, aspectRatio, {
      fetchImage: deps.templates.fetchImage,
    });
    return deps.media.ingestBytes(rendered.png, owner);
  });
  return { ...made, templateSlug };
}

/** The answer: Soku's `url` and `id`, and what Postcast knows of the image. */
export function renderedView(r: {
  id: string;
  media: MediaRecord;
  replayed: boolean;
  templateSlug: string;
}): RenderedTemplate {
  return {
    id: r.id,
    mediaId: r.id,
    url: r.media.url,
    width: r.media.width ?? 0,
    height: r.media.height ?? 0,
    templateSlug: r.templateSlug,
    contentType: "image/png",
    expiresAt: r.media.expireAt.toDate().toISOString(),
    replayed: r.replayed,
  };
}
