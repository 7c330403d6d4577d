import { AppError } from "../../domain/errors";
import { etagOf } from "../../domain/etag";
import type { Owner } from "../../domain/owner";
import { ownsPost, versionOf } from "../../store/post-lifecycle-store";
import { recordOf } from "../../store/records";
import type { AppDeps } from "../deps";
import { postView } from "./post-view";

/**
 * GET /v1/posts/{id}: the submission and its runs, for its owner's keys of its mode only (404 for
 * anyone else, so existence never leaks), with the ETag a PATCH can send as If-Match.
 */
export async function getPost(deps: AppDeps, caller: Owner, input: { id: string }) {
  const { id } = input;
  const snap = await deps.submissions.ref(id).get();
  const sub = recordOf(snap);
  if (!sub || !ownsPost(caller, sub)) throw new AppError("not_found", `No post ${id}.`);
  const runs = await deps.submissions.runs(id);
  return {
    post: postView(id, sub, new Map(runs.map(({ runId, run }) => [runId, run]))),
    etag: etagOf(versionOf(snap, sub)),
  };
}
