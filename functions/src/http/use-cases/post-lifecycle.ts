import type { NormalizedPostRequest } from "../../domain/post-model";
import { AppError } from "../../domain/errors";
import { etagOf } from "../../domain/etag";
import { applyPostEdit } from "../../domain/post-edit";
import { acceptedTargets, planSubmission } from "../../domain/submission-plan";
import { ownMedia, ownMediaIds, withRewrites } from "../../media/own-media";
import { logs } from "../../logs";
import { ownsPost, type Change } from "../../store/post-lifecycle-store";
import { CLOUD_TASKS_HORIZON_MS } from "../../tasks/queue-options";
import { TASK_FUNCTIONS } from "../../tasks/task-enqueuer";
import { taskIds } from "../../tasks/task-ids";
import type { ApiKeyAuth } from "../context";
import type { AppDeps } from "../deps";
import { getPost } from "./get-post";

const VERB = { cancel: "canceled", edit: "edited", publishNow: "published now" } as const;

function settle(id: string, change: Change, verb: keyof typeof VERB): void {
  if (change.kind === "missing") throw new AppError("not_found", `No post ${id}.`);
  if (change.kind === "conflict") {
    const when =
      verb === "cancel" ? "only while it is scheduled or queued" : "only while it is scheduled (not yet picked up)";
    throw new AppError("conflict", `The post is ${change.status}; it can be ${VERB[verb]} ${when}.`, {
      status: change.status,
    });
  }
  if (change.kind === "stale") {
    throw new AppError(
      "conflict",
      "The post changed since you read it (If-Match does not match). GET it again and reapply your change.",
      { status: "stale", etag: etagOf(change.version) },
    );
  }
}

async function orchestrateAt(deps: AppDeps, id: string, at: Date | null): Promise<void> {
  try {
    await deps.enqueuer.enqueue(
      TASK_FUNCTIONS.orchestratePost,
      { postSubmissionId: id },
      { taskId: taskIds.orchestrate(id, at), ...(at ? { scheduleTime: at } : {}) },
    );
  } catch (error) {
    // Stored first, enqueued second: the sweeper re-enqueues an overdue or stuck post.
    logs.enqueueFailed(TASK_FUNCTIONS.orchestratePost, id, error);
  }
}

/**
 * DELETE /v1/posts/{id}: a scheduled (or still queued) post becomes `canceled`. Its Cloud Task may
 * still be delivered; the orchestrator then finds a canceled post and does nothing.
 */
export async function cancelPost(id: string, auth: ApiKeyAuth, deps: AppDeps) {
  settle(id, await deps.lifecycle.cancel(id, auth), "cancel");
  return getPost(id, auth, deps);
}

/**
 * PATCH /v1/posts/{id}: validated like a new post; targets are resolved against the accounts
 * connected now. A new scheduledTime gets its own task (task ids carry the time); the old task, if
 * delivered first, finds the post not yet due and re-defers, so it never publishes early or twice.
 */
export async function editPost(id: string, body: unknown, ifMatch: string | null, auth: ApiKeyAuth, deps: AppDeps) {
  const current = await deps.submissions.get(id);
  if (!current || !ownsPost(auth, current)) throw new AppError("not_found", `No post ${id}.`);
  const now = deps.clock();
  const edited = (stored: NormalizedPostRequest) => applyPostEdit(stored, body, { now, mode: current.mode });
  // Validated once before the transaction, so a bad body fails fast and never waits on a lock.
  const preview = edited(current.request);
  const accounts = await deps.users.accountsByPlatform(auth.userId, [
    ...preview.post.content.platform.map((t) => t.platform),
    ...current.targets.map((t) => t.platform),
  ]);

  const own = await ownMedia(deps, auth, preview);

  let deferred = false;
  let scheduledTime = now;
  const change = await deps.lifecycle.edit(id, auth, ifMatch, (sub) => {
    // Applied to the request stored now: a concurrent edit's other fields are kept, not lost.
    const request = withRewrites(edited(sub.request), own.rewrites);
    const targets = acceptedTargets(planSubmission(request, accounts, own.known));
    scheduledTime = new Date(request.scheduledTime ?? now.toISOString());
    deferred = scheduledTime.getTime() - now.getTime() > CLOUD_TASKS_HORIZON_MS;
    return { request, targets, scheduledTime, deferred, mediaIds: ownMediaIds(request, own) };
  });
  settle(id, change, "edit");
  if (change.kind === "done" && !deferred) {
    const before = change.previous.scheduledTime?.toMillis() ?? null;
    if (before !== scheduledTime.getTime() || change.previous.deferred === true) {
      await orchestrateAt(deps, id, scheduledTime);
    }
  }
  return getPost(id, auth, deps);
}

/** POST /v1/posts/{id}/publish-now: a scheduled post is handed to the orchestrator at once. */
export async function publishPostNow(id: string, auth: ApiKeyAuth, deps: AppDeps) {
  const change = await deps.lifecycle.publishNow(id, auth);
  settle(id, change, "publishNow");
  await orchestrateAt(deps, id, null);
  return getPost(id, auth, deps);
}
