import type { NextFunction, Request, Response, Router } from "express";
import { AppError } from "../../domain/errors";
import { templateSlugSchema } from "../../domain/template-model";
import { apiKeyAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { scopedRouter } from "../route-scopes";
import { renderedView, renderTemplateToMedia } from "../use-cases/render-template";
import {
  createDefinition,
  deleteDefinition,
  getDefinition,
  listDefinitions,
  patchDefinition,
} from "../use-cases/template-definitions";

/**
 * POST /v1/templates (and its alias POST /v1/media/render-og, declared with the media routes):
 * renders a template into the caller's media; 201 as POST /v1/media, with Soku's `url` and `id`.
 */
export function renderHandler(deps: DepsProvider) {
  return async (req: Request, res: Response): Promise<void> => {
    const rendered = await renderTemplateToMedia(deps(), apiKeyAuth(res), {
      idempotencyKey: req.get("idempotency-key"),
      body: req.body,
    });
    res.setHeader("Location", `/v1/media/${rendered.id}`);
    if (rendered.replayed) res.setHeader("Idempotent-Replayed", "true");
    await sendJson(req, res, deps, 201, renderedView(rendered));
  };
}

/** /v1/templates: rendering, and the caller's own template definitions (API key). */
export function templatesRoutes(deps: DepsProvider): Router {
  const r = scopedRouter("/v1/templates");
  // A slug that could not have been created names nothing: 404 before any read.
  r.router.param("slug", (_req: Request, _res: Response, next: NextFunction, value: unknown) => {
    if (templateSlugSchema.safeParse(value).success) return next();
    next(new AppError("not_found", "No template with this slug."));
  });

  r.post("/", renderHandler(deps));

  r.post("/definitions", async (req, res) => {
    const view = await createDefinition(deps(), apiKeyAuth(res), req.body);
    res.setHeader("Location", `/v1/templates/definitions/${view.slug}`);
    await sendJson(req, res, deps, 201, view);
  });

  r.get("/definitions", async (req, res) => {
    await sendJson(req, res, deps, 200, { data: await listDefinitions(deps(), apiKeyAuth(res)) });
  });

  r.get("/definitions/:slug", async (req, res) => {
    await sendJson(req, res, deps, 200, await getDefinition(deps(), apiKeyAuth(res), String(req.params.slug)));
  });

  r.patch("/definitions/:slug", async (req, res) => {
    const slug = String(req.params.slug);
    await sendJson(req, res, deps, 200, await patchDefinition(deps(), apiKeyAuth(res), slug, req.body));
  });

  r.delete("/definitions/:slug", async (req, res) => {
    const slug = String(req.params.slug);
    await deleteDefinition(deps(), apiKeyAuth(res), slug);
    await sendJson(req, res, deps, 200, { slug, deleted: true });
  });

  return r.router;
}
