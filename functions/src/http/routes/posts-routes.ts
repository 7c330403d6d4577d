import { Router } from "express";
import { AppError } from "../../domain/errors";
import { ctx } from "../context";
import type { DepsProvider } from "../deps";
import { requireApiKey } from "../middleware/api-key-auth";
import { sendJson } from "../respond";
import { createPost } from "../use-cases/create-post";
import { getPost } from "../use-cases/get-post";

export function postsRoutes(deps: DepsProvider): Router {
  const router = Router();
  router.use(requireApiKey(deps));

  router.post("/", async (req, res) => {
    const result = await createPost(req, res, deps());
    res.setHeader("Location", `/v1/posts/${result.postSubmissionId}`);
    if (result.replayed) res.setHeader("Idempotent-Replayed", "true");
    await sendJson(req, res, deps, 202, { postSubmissionId: result.postSubmissionId });
  });

  router.get("/:id", async (req, res) => {
    const auth = ctx(res).auth;
    if (!auth) throw new AppError("unauthorized", "Missing or invalid soku-api-key");
    const id = String(req.params.id);
    const post = await getPost(id, auth.userId, deps());
    ctx(res).postSubmissionId = id;
    await sendJson(req, res, deps, 200, post);
  });

  return router;
}
