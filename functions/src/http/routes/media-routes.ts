import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { storedRange } from "../../domain/content-range";
import { apiKeyAuth } from "../context";
import type { DepsProvider } from "../deps";
import { scopedRouter } from "../route-scopes";
import { sendJson } from "../respond";
import { Readable } from "node:stream";
import { createMedia, deleteMedia, getMedia, mediaView } from "../use-cases/media";
import { completeUpload, createUpload, getUpload, uploadView } from "../use-cases/media-uploads";
import { renderHandler } from "./templates-routes";

/** /v1/media: rehost a URL or upload a file, read what Postcast knows of it, delete it (API key). */
export function mediaRoutes(deps: DepsProvider): Router {
  const r = scopedRouter("/v1/media");
  const router = r.router;
  documentIdParams(router, { id: "media or upload" });

  r.post("/uploads", async (req, res) => {
    const { id, upload } = await createUpload(deps(), apiKeyAuth(res), { body: req.body });
    res.setHeader("Location", `/v1/media/uploads/${id}`);
    await sendJson(req, res, deps, 201, uploadView(id, upload, true, deps().oauth.apiUrl()));
  });

  r.get("/uploads/:id", async (req, res) => {
    const id = String(req.params.id);
    const upload = await getUpload(deps(), apiKeyAuth(res), { id });
    await sendJson(req, res, deps, 200, uploadView(id, upload, upload.state === "open", deps().oauth.apiUrl()));
  });

  r.post("/uploads/:id/complete", async (req, res) => {
    const id = String(req.params.id);
    const { media, created } = await completeUpload(deps(), apiKeyAuth(res), { id });
    if (created) res.setHeader("Location", `/v1/media/${id}`);
    await sendJson(req, res, deps, created ? 201 : 200, mediaView(id, media));
  });

  // Soku's alias of POST /v1/templates (same body, answer and endpoint limit).
  r.post("/render-og", renderHandler(deps));

  r.post("/", async (req, res) => {
    const created = await createMedia(deps(), apiKeyAuth(res), {
      idempotencyKey: req.get("idempotency-key"),
      body: req.body,
    });
    res.setHeader("Location", `/v1/media/${created.id}`);
    if (created.replayed) res.setHeader("Idempotent-Replayed", "true");
    await sendJson(req, res, deps, 201, { ...mediaView(created.id, created.media), replayed: created.replayed });
  });

  r.get("/:id", async (req, res) => {
    const id = String(req.params.id);
    await sendJson(req, res, deps, 200, mediaView(id, await getMedia(deps(), apiKeyAuth(res), { id })));
  });

  r.delete("/:id", async (req, res) => {
    const id = String(req.params.id);
    await deleteMedia(deps(), apiKeyAuth(res), { id });
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
    // Only media: an upload's bytes are not served until completion made them media.
    const relative = files?.within("users", (req.params as { path?: string[] }).path ?? []);
    if (!files || !relative) return next();
    // Relative to the root: the dotfile rule then covers the media path only, not the directory the
    // store lives in (the local stack's is under .postcast/).
    res.sendFile(relative, { root: files.root, dotfiles: "deny", immutable: true, maxAge: "1d" }, (error) => {
      if (error && !res.headersSent) next();
    });
  });
  return router;
}

/**
 * The local stack's resumable upload sessions (Cloud Storage's own session URLs in production),
 * speaking the same protocol: PUT with Content-Range, 308 with the stored Range until the last
 * byte, then 200 with the object; DELETE cancels (499). The URL is the credential, as in Storage.
 */
export function localMediaUploads(deps: DepsProvider): Router {
  const router = Router();
  const target = (params: unknown): string | null =>
    deps().media.localFiles?.within("uploads", (params as { path?: string[] }).path ?? []) ?? null;
  router.put("/*path", async (req, res, next) => {
    const relative = target(req.params);
    const files = deps().media.localFiles;
    if (!relative || !files) return next();
    // Cloud Functions' framework has already read the body (at most 32 MB: send larger files in chunks).
    const preRead = (req as { rawBody?: Buffer }).rawBody;
    const answer = await files.uploads.receive(
      relative,
      req.get("content-range"),
      preRead ? Readable.from([preRead]) : req,
    );
    if (answer.status === 308) {
      const range = storedRange(answer.stored);
      if (range) res.setHeader("Range", range);
      res.status(308).end();
    } else if (answer.status === 200) res.status(200).json(answer.object);
    else res.status(answer.status).type("text/plain").send(answer.message);
  });
  router.delete("/*path", async (req, res, next) => {
    const relative = target(req.params);
    const files = deps().media.localFiles;
    if (!relative || !files) return next();
    await files.uploads.cancel(relative);
    res.status(499).end();
  });
  return router;
}
