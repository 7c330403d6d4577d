import type { NormalizedPostRequest } from "../../domain/post-model";
import { AppError } from "../../domain/errors";
import { etagOf } from "../../domain/etag";
import { applyPostEdit } from "../../domain/post-edit";
import { acceptedTargets } from "../../domain/submission-plan";
import { logs } from "../../logs";
import { ownsPost, type Change } from "../../store/post-lifecycle-store";
import { CLOUD_TASKS_HORIZON_MS } from "../../tasks/queue-options";
import { dispatch, TASK_FUNCTIONS } from "../../tasks/dispatch";
import type { ApiKeyAuth } from "../caller";
import type { AppDeps } from "../deps";
import { getPost } from "./get-post";
import { prepareDraft, preparePost } from "./prepare-post";
import { parsePublishDraft, publishedRequest, samePublish } from "../../domain/draft-publish";

const VERB = { cancel: "canceled", edit: "edited", publishNow: "published now", publish: "published" } as const;

function settle(id: string, change: Change, verb: keyof typeof VERB): void {
  if (change.kind === "missing") throw new AppError("not_found", `No post ${id}.`);
  if (change.kind === "conflict") {
    const when =
      verb === "cancel"
        ? "only while it is a draft, scheduled or queued"
        : verb === "publish"
          ? "only while it is a draft (publish-now publishes a scheduled post early)"
          : verb === "edit"
            ? "only while it is a draft or scheduled (not yet picked up)"
            : "only while it is scheduled (not yet picked up)";
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
    await dispatch(deps.enqueuer).orchestrate(id, at);
  } catch (error) {
    // Stored first, enqueued second: the sweeper re-enqueues an overdue or stuck post.
    logs.enqueueFailed(TASK_FUNCTIONS.orchestratePost, id, error);
  }
}

/** The post a lifecycle route names. */
export interface PostRef {
  id: string;
}

/**
 * DELETE /v1/posts/{id}: a scheduled (or still queued) post becomes `canceled`. Its Cloud Task may
 * still be delivered; the orchestrator then finds a canceled post and does nothing.
 */
export async function cancelPost(deps: AppDeps, caller: ApiKeyAuth, input: PostRef) {
  settle(input.id, await deps.lifecycle.cancel(input.id, caller), "cancel");
  return getPost(deps, caller, input);
}

/**
 * PATCH /v1/posts/{id}: validated like a new post; targets are resolved against the accounts
 * connected now. A new scheduledTime gets its own task (task ids carry the time); the old task, if
 * delivered first, finds the post not yet due and re-defers, so it never publishes early or twice.
 */
export async function editPost(
  deps: AppDeps,
  caller: ApiKeyAuth,
  input: PostRef & { body: unknown; ifMatch: string | null },
) {
  const { id } = input;
  const current = await deps.submissions.get(id);
  if (!current || !ownsPost(caller, current)) throw new AppError("not_found", `No post ${id}.`);
  const now = deps.clock();
  const edited = (stored: NormalizedPostRequest) => applyPostEdit(stored, input.body, { now, mode: current.mode });
  if (current.status === "draft") {
    // Checked like a new draft: its accounts are resolved when it is published.
    const draft = await prepareDraft(deps, caller, { request: edited(current.request), media: new Map() });
    settle(
      id,
      await deps.lifecycle.editDraft(id, caller, input.ifMatch, (sub) => draft.check(edited(sub.request))),
      "edit",
    );
    return getPost(deps, caller, input);
  }
  // Validated once before the transaction, so a bad body fails fast and never waits on a lock.
  const prepared = await preparePost(deps, caller, {
    draft: { request: edited(current.request), media: new Map() },
    alsoPlatforms: current.targets.map((t) => t.platform),
  });

  let deferred = false;
  let scheduledTime = now;
  const change = await deps.lifecycle.edit(id, caller, input.ifMatch, (sub) => {
    // Applied to the request stored now: a concurrent edit's other fields are kept, not lost.
    const { request, plan, mediaIds } = prepared.plan(edited(sub.request));
    const targets = acceptedTargets(plan);
    scheduledTime = new Date(request.scheduledTime ?? now.toISOString());
    deferred = scheduledTime.getTime() - now.getTime() > CLOUD_TASKS_HORIZON_MS;
    return { request, targets, scheduledTime, deferred, mediaIds };
  });
  settle(id, change, "edit");
  if (change.kind === "done" && !deferred) {
    const before = change.previous.scheduledTime?.toMillis() ?? null;
    if (before !== scheduledTime.getTime() || change.previous.deferred === true) {
      await orchestrateAt(deps, id, scheduledTime);
    }
  }
  return getPost(deps, caller, input);
}

/** POST /v1/posts/{id}/publish-now: a scheduled post is handed to the orchestrator at once. */
export async function publishPostNow(deps: AppDeps, caller: ApiKeyAuth, input: PostRef) {
  const change = await deps.lifecycle.publishNow(input.id, caller);
  settle(input.id, change, "publishNow");
  await orchestrateAt(deps, input.id, null);
  return getPost(deps, caller, input);
}

/** How many times a publish plans again when the draft was edited meanwhile, before answering 409. */
const PUBLISH_ATTEMPTS = 3;

/**
 * POST /v1/posts/{id}/publish: a draft is published at once or scheduled, its targets resolved
 * against the accounts connected now (none connected: 400 missing_integrations, and it stays a
 * draft) and its content validated as a new post's. A repeat answers as the first publish did;
 * one asking for another time is a 409. Any other post is a 409: only drafts are published here.
 */
export async function publishDraft(deps: AppDeps, caller: ApiKeyAuth, input: PostRef & { body: unknown }) {
  const { id } = input;
  const body = parsePublishDraft(input.body);
  for (let attempt = 1; ; attempt++) {
    const current = await deps.submissions.get(id);
    if (!current || !ownsPost(caller, current)) throw new AppError("not_found", `No post ${id}.`);
    if (current.status !== "draft") {
      const first = current.publishedFromDraft;
      if (first && samePublish(body, first.scheduledTime?.toDate() ?? null)) return getPost(deps, caller, input);
      settle(id, { kind: "conflict", status: current.status }, "publish");
    }
    const now = deps.clock();
    const draft = publishedRequest(current.request, body, { now, mode: current.mode });
    const prepared = await preparePost(deps, caller, { draft: { request: draft, media: new Map() } });
    const { request, plan, mediaIds } = prepared.plan();
    const targets = acceptedTargets(plan);
    const at = request.scheduledTime ? new Date(request.scheduledTime) : null;
    const deferred = at !== null && at.getTime() - now.getTime() > CLOUD_TASKS_HORIZON_MS;
    const change = await deps.lifecycle.publishDraft(id, caller, current.updatedAt, {
      request,
      targets,
      at,
      deferred,
      mediaIds,
    });
    // Edited (or published by a concurrent call) since it was read: plan again from what is stored.
    if ((change.kind === "stale" || change.kind === "conflict") && attempt < PUBLISH_ATTEMPTS) continue;
    if (change.kind === "stale") {
      // The caller sent no If-Match: the draft was edited under every attempt, not by them.
      throw new AppError("conflict", "The draft kept changing while it was being published; publish it again.", {
        status: "stale",
        etag: etagOf(change.version),
      });
    }
    settle(id, change, "publish");
    if (!deferred) await orchestrateAt(deps, id, at);
    return getPost(deps, caller, input);
  }
}
