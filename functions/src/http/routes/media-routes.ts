import { Router } from "express";
import { AppError } from "../../domain/errors";
import { apiKeyAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { createMedia, deleteMedia, mediaView } from "../use-cases/media";

/** /v1/media: rehost a URL, read what Postcast knows of it, delete it (API key). */
export function mediaRoutes(deps: DepsProvider): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const auth = apiKeyAuth(res);
    const created = await createMedia(deps(), auth, req.get("idempotency-key"), req.body);
    res.setHeader("Location", `/v1/media/${created.id}`);
    await sendJson(req, res, deps, 201, mediaView(created.id, created.media));
  });

  router.get("/:id", async (req, res) => {
    const id = String(req.params.id);
    const media = await deps().media.records.get(apiKeyAuth(res).userId, id);
    if (!media) throw new AppError("not_found", `No media ${id}.`);
    await sendJson(req, res, deps, 200, mediaView(id, media));
  });

  router.delete("/:id", async (req, res) => {
    const id = String(req.params.id);
    await deleteMedia(deps(), apiKeyAuth(res).userId, id);
    await sendJson(req, res, deps, 200, { id, deleted: true });
  });

  return router;
}

/**
 * The local stack's media files (production serves them from Cloud Storage). The paths carry a
 * random token, so knowing a media id is not enough to fetch its file.
 */
export function localMediaFiles(deps: DepsProvider): Router {
  const router = Router();
  router.get("/*path", (req, res, next) => {
    const files = deps().media.localFiles;
    const segments = (req.params as { path?: string[] }).path ?? [];
    const file = files?.resolve(segments.join("/"));
    if (!file) return next();
    res.sendFile(file, { dotfiles: "deny", immutable: true, maxAge: "1d" }, (error) => {
      if (error && !res.headersSent) next();
    });
  });
  return router;
}
