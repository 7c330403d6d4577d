import { documentIdParams } from "../middleware/document-ids";
import { Router, type Request, type Response } from "express";
import { apiKeyAuth, ctx } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { createPost } from "../use-cases/create-post";
import { dryRunPost, wantsDryRun } from "../use-cases/dry-run-post";
import { getPost } from "../use-cases/get-post";
import { listPosts } from "../use-cases/list-posts";
import { cancelPost, editPost, publishPostNow } from "../use-cases/post-lifecycle";

/** /v1/posts: create, list, read, edit, cancel, publish now. Mounted behind requireApiKey. */
export function postsRoutes(deps: DepsProvider): Router {
  const router = Router();
  documentIdParams(router, { id: "post" });

  router.post("/", async (req, res) => {
    if (wantsDryRun(req.query)) {
      await sendJson(req, res, deps, 200, await dryRunPost(req, res, deps()));
      return;
    }
    const result = await createPost(req, res, deps());
    res.setHeader("Location", `/v1/posts/${result.postSubmissionId}`);
    // The body says it too: a client that reads only the body must not take the first post's id
    // for a new post.
    if (result.replayed) res.setHeader("Idempotent-Replayed", "true");
    await sendJson(req, res, deps, 202, { postSubmissionId: result.postSubmissionId, replayed: result.replayed });
  });

  router.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, await listPosts(req.query, apiKeyAuth(res), deps()));
  });

  /** Answers with one post and its ETag (GET, DELETE, PATCH, publish-now). */
  const answer = async (req: Request, res: Response, run: (id: string) => Promise<{ post: unknown; etag: string }>) => {
    const id = String(req.params.id);
    ctx(res).postSubmissionId = id;
    const { post, etag } = await run(id);
    res.setHeader("ETag", etag);
    await sendJson(req, res, deps, 200, post);
  };

  router.get("/:id", (req, res) => answer(req, res, (id) => getPost(id, apiKeyAuth(res), deps())));
  router.delete("/:id", (req, res) => answer(req, res, (id) => cancelPost(id, apiKeyAuth(res), deps())));
  router.patch("/:id", (req, res) =>
    answer(req, res, (id) => editPost(id, req.body, req.get("if-match") ?? null, apiKeyAuth(res), deps())),
  );
  router.post("/:id/publish-now", (req, res) => answer(req, res, (id) => publishPostNow(id, apiKeyAuth(res), deps())));

  return router;
}
