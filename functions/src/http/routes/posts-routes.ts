import { documentIdParams } from "../middleware/document-ids";
import { Router, type Request, type Response } from "express";
import { validationError } from "../../domain/errors";
import type { ApiKeyAuth } from "../caller";
import { apiKeyAuth, ctx } from "../context";
import { scopedRouter } from "../route-scopes";
import type { AppDeps, DepsProvider } from "../deps";
import { requestEntry, sendJson } from "../respond";
import { createPost } from "../use-cases/create-post";
import { dryRunPost } from "../use-cases/dry-run-post";
import { getPost } from "../use-cases/get-post";
import { listPosts } from "../use-cases/list-posts";
import { cancelPost, editPost, publishDraft, publishPostNow } from "../use-cases/post-lifecycle";

/** `?dryRun=true|false` (also 1/0); anything else is a validation error, not a silent real post. */
export function wantsDryRun(query: Request["query"]): boolean {
  const value = query.dryRun;
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw validationError([{ field: "dryRun", reason: "invalid_value", message: "dryRun must be true or false." }]);
}

/** /v1/posts: create (or draft), list, read, edit, cancel, publish a draft, publish now. Mounted behind requireApiKey. */
export function postsRoutes(deps: DepsProvider): Router {
  const r = scopedRouter("/v1/posts");
  const router = r.router;
  documentIdParams(router, { id: "post" });

  r.post("/", async (req, res) => {
    const caller = apiKeyAuth(res);
    if (wantsDryRun(req.query)) {
      await sendJson(req, res, deps, 200, await dryRunPost(deps(), caller, { body: req.body }));
      return;
    }
    const c = ctx(res);
    const result = await createPost(deps(), caller, {
      body: req.body,
      idempotencyKey: req.get("idempotency-key"),
      requestId: c.requestId,
      requestLog: { logId: c.logId, entry: (id) => requestEntry(req, res, 202, null, id) },
      ...(c.admission ? { admission: c.admission } : {}),
    });
    c.postSubmissionId = result.postSubmissionId;
    // Stored with the post in one commit: not written again.
    if (result.logged) c.logged = true;
    res.setHeader("Location", `/v1/posts/${result.postSubmissionId}`);
    // The body says it too: a client that reads only the body must not take the first post's id
    // for a new post.
    if (result.replayed) res.setHeader("Idempotent-Replayed", "true");
    await sendJson(req, res, deps, 202, { postSubmissionId: result.postSubmissionId, replayed: result.replayed });
  });

  r.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, await listPosts(deps(), apiKeyAuth(res), { query: req.query }));
  });

  type OnePost = (d: AppDeps, caller: ApiKeyAuth, id: string, req: Request) => Promise<{ post: unknown; etag: string }>;
  /** Answers with one post and its ETag (GET, DELETE, PATCH, publish-now). */
  const answer = (run: OnePost) => async (req: Request, res: Response) => {
    const id = String(req.params.id);
    ctx(res).postSubmissionId = id;
    const { post, etag } = await run(deps(), apiKeyAuth(res), id, req);
    res.setHeader("ETag", etag);
    await sendJson(req, res, deps, 200, post);
  };

  r.get(
    "/:id",
    answer((d, caller, id) => getPost(d, caller, { id })),
  );
  r.delete(
    "/:id",
    answer((d, caller, id) => cancelPost(d, caller, { id })),
  );
  r.patch(
    "/:id",
    answer((d, caller, id, req) => editPost(d, caller, { id, body: req.body, ifMatch: req.get("if-match") ?? null })),
  );
  r.post(
    "/:id/publish",
    answer((d, caller, id, req) => publishDraft(d, caller, { id, body: req.body })),
  );
  r.post(
    "/:id/publish-now",
    answer((d, caller, id) => publishPostNow(d, caller, { id })),
  );

  return router;
}
