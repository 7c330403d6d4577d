import type { NormalizedPostRequest } from "../../domain/post-model";
import type { Request, Response } from "express";
import { AppError } from "../../domain/errors";
import { idempotencyIdentity } from "../../domain/idempotency";
import { ownMedia, ownMediaIds } from "../../media/own-media";
import { withMediaIds } from "./media-ids";
import { parsePostRequest } from "../../domain/post-request";
import { acceptedTargets, planSubmission } from "../../domain/submission-plan";
import { logs } from "../../logs";
import { recordOf, type IdempotencyRecord } from "../../store/records";
import { CLOUD_TASKS_HORIZON_MS } from "../../tasks/queue-options";
import { TASK_FUNCTIONS } from "../../tasks/task-enqueuer";
import { taskIds } from "../../tasks/task-ids";
import { apiKeyAuth, ctx } from "../context";
import type { AppDeps } from "../deps";
import { requestEntry } from "../respond";

export interface CreatePostResult {
  postSubmissionId: string;
  replayed: boolean;
}

/**
 * POST /v1/posts (contract §5): validate, replay or refuse a reused idempotency key, resolve the
 * targets, store everything in one commit, then hand the post to Cloud Tasks. If that hand-over
 * fails the post is still accepted: the sweeper finds it and enqueues it.
 */
export async function createPost(req: Request, res: Response, deps: AppDeps): Promise<CreatePostResult> {
  const c = ctx(res);
  const auth = apiKeyAuth(res);
  const now = deps.clock();
  const body: unknown = req.body;
  const idem = idempotencyIdentity(auth.userId, auth.mode, req.get("idempotency-key"), body);

  // The idempotency record and the accounts are read in parallel. Replays are answered before
  // validation: a retry of an accepted post must get the original answer even when, say, its
  // scheduledTime is no longer 60 s ahead.
  const parsed: { request?: NormalizedPostRequest; error?: unknown } = await withMediaIds(deps, auth, body ?? {})
    .then((input) => ({ request: parsePostRequest(input, { now, mode: auth.mode }) }))
    .catch((error: unknown) => ({ error }));
  const [earlier, accounts] = await Promise.all([
    deps.submissions.idempotencyRef(auth.userId, idem.recordId).get(),
    parsed.request
      ? deps.users.accountsByPlatform(
          auth.userId,
          parsed.request.post.content.platform.map((t) => t.platform),
        )
      : null,
  ]);
  const earlierRecord = recordOf(earlier);
  if (earlierRecord && earlier.updateTime) {
    if (earlierRecord.expireAt.toMillis() > now.getTime()) return replay(earlierRecord, idem.fingerprint, res);
    await deps.submissions.deleteIdempotency(auth.userId, idem.recordId, earlier.updateTime);
  }
  if (!parsed.request || !accounts) throw parsed.error;
  const own = await ownMedia(deps, auth, parsed.request);
  const request = own.request;
  const targets = acceptedTargets(planSubmission(request, accounts, own.known));

  const id = deps.newId();
  const scheduledTime = request.scheduledTime ? new Date(request.scheduledTime) : null;
  const deferred = scheduledTime !== null && scheduledTime.getTime() - now.getTime() > CLOUD_TASKS_HORIZON_MS;
  c.postSubmissionId = id;
  c.logged = true;
  const log = {
    ref: deps.apiRequests.ref(auth.userId, c.logId),
    data: deps.apiRequests.data(requestEntry(req, res, 202, null), now),
  };
  let created: Awaited<ReturnType<typeof deps.submissions.createAccepted>>;
  try {
    created = await deps.submissions.createAccepted(
      {
        id,
        userId: auth.userId,
        keyHash: auth.keyHash,
        mode: auth.mode,
        request,
        targets,
        scheduledTime,
        requestId: c.requestId,
        deferred,
        mediaIds: ownMediaIds(request, own),
      },
      idem,
      log,
      now,
    );
  } catch (error) {
    // The commit is atomic: nothing was stored, so the caller can safely retry.
    c.logged = false;
    c.postSubmissionId = undefined;
    throw new AppError(
      "post_creation_failed",
      "The post could not be stored; nothing was created. Retry the request.",
      {},
      {
        cause: error,
      },
    );
  }
  if (!created.created) {
    c.logged = false;
    c.postSubmissionId = undefined;
    return replay(created.existing, idem.fingerprint, res);
  }

  if (!deferred) {
    try {
      await deps.enqueuer.enqueue(
        TASK_FUNCTIONS.orchestratePost,
        { postSubmissionId: id },
        {
          taskId: taskIds.orchestrate(id, scheduledTime),
          ...(scheduledTime ? { scheduleTime: scheduledTime } : {}),
        },
      );
    } catch (error) {
      logs.enqueueFailed(TASK_FUNCTIONS.orchestratePost, id, error);
    }
  }
  return { postSubmissionId: id, replayed: false };
}

function replay(record: IdempotencyRecord, fingerprint: string, res: Response): CreatePostResult {
  if (record.fingerprint !== fingerprint) {
    throw new AppError(
      "idempotency_conflict",
      "This Idempotency-Key was already used with a different request body. Use a new key for a different request.",
    );
  }
  ctx(res).postSubmissionId = record.postSubmissionId;
  return { postSubmissionId: record.postSubmissionId, replayed: true };
}
