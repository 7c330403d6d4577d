import { AppError } from "../../domain/errors";
import { idempotencyIdentity } from "../../domain/idempotency";
import { acceptedTargets } from "../../domain/submission-plan";
import { logs } from "../../logs";
import type { ApiRequestEntry } from "../../store/api-request-store";
import type { IdempotencyRecord } from "../../store/records";
import { CLOUD_TASKS_HORIZON_MS } from "../../tasks/queue-options";
import { dispatch, TASK_FUNCTIONS } from "../../tasks/dispatch";
import type { ApiKeyAuth } from "../caller";
import type { AppDeps } from "../deps";
import { wantsDraft } from "../../domain/post-request";
import type { ResolvedTarget } from "../../domain/post-model";
import { draftAccounts, parsePost, prepareDraft, preparePost, type PostDraft } from "./prepare-post";

export interface CreatePostInput {
  body: unknown;
  idempotencyKey: string | undefined;
  requestId: string;
  /** The request's log entry, stored in the same commit as the post (so an accepted post is always logged). */
  requestLog: { logId: string; entry: (postSubmissionId: string) => ApiRequestEntry };
  /** The rate limiter's verdict, decided beside this post's own reads (rejects with the 429). */
  admission?: Promise<void>;
}

type Parsed = { draft: PostDraft; error?: undefined } | { draft?: undefined; error: unknown };

export interface CreatePostResult {
  postSubmissionId: string;
  replayed: boolean;
  /** Whether the request's log entry was stored with the post (false for a replay). */
  logged: boolean;
}

/**
 * POST /v1/posts (docs/contract.md §5): validate, resolve the targets, store everything in one commit
 * (or replay, or refuse, a reused idempotency key), then hand the post to Cloud Tasks. If that hand-over
 * fails the post is still accepted: the sweeper finds it and enqueues it. With `"draft": true` the
 * post is validated without its accounts and stored as a draft: no targets, no task, no event.
 */
export async function createPost(deps: AppDeps, caller: ApiKeyAuth, input: CreatePostInput): Promise<CreatePostResult> {
  const now = deps.clock();
  const idem = idempotencyIdentity(caller.userId, caller.mode, input.idempotencyKey, input.body);

  // The post is parsed, its accounts are read and the rate limiter counts the request in one round;
  // then one commit, whose create() of the idempotency record is what finds a key already used
  // (store/submission-store.ts), so a new post reads no idempotency record at all.
  const asDraft = wantsDraft(input.body);
  const parsing = parsePost(deps, caller, { body: input.body });
  // A draft's accounts are resolved when it is published, never read now.
  const accounts = asDraft ? null : parsing.then((draft) => draftAccounts(deps, caller, draft));
  accounts?.catch(() => undefined); // a parse error is reported through `parsed`
  const [, parsed] = await Promise.all([
    // Refused: nothing below runs (no write, no read of the idempotency record).
    input.admission,
    parsing.then(
      (draft): Parsed => ({ draft }),
      (error: unknown): Parsed => ({ error }),
    ),
  ]);
  let planned: Awaited<ReturnType<typeof accepted>>;
  try {
    if (!parsed.draft) throw parsed.error;
    planned = await accepted(deps, caller, parsed.draft, accounts);
  } catch (error) {
    // A retry of an accepted post gets the original answer even when it would be refused now (its
    // scheduledTime no longer 60 s ahead, an account since disconnected), and a reused key the
    // 409: the record is read only when the request is about to be refused.
    const earlier = await deps.submissions.liveIdempotency(caller.userId, idem.recordId, now).catch(() => null);
    if (earlier) return replay(earlier, idem.fingerprint);
    throw error;
  }
  const { request, targets, mediaIds } = planned;

  const id = deps.newId();
  const scheduledTime = request.scheduledTime ? new Date(request.scheduledTime) : null;
  const deferred =
    !asDraft && scheduledTime !== null && scheduledTime.getTime() - now.getTime() > CLOUD_TASKS_HORIZON_MS;
  const log = {
    ref: deps.apiRequests.ref(caller.userId, input.requestLog.logId),
    data: deps.apiRequests.data(input.requestLog.entry(id), now),
  };
  let created: Awaited<ReturnType<typeof deps.submissions.createAccepted>>;
  try {
    created = await deps.submissions.createAccepted(
      {
        id,
        userId: caller.userId,
        keyHash: caller.keyHash,
        mode: caller.mode,
        request,
        targets,
        scheduledTime,
        requestId: input.requestId,
        deferred,
        mediaIds,
        draft: asDraft,
      },
      idem,
      log,
      now,
    );
  } catch (error) {
    // The commit is atomic: nothing was stored, so the caller can safely retry.
    throw new AppError(
      "post_creation_failed",
      "The post could not be stored; nothing was created. Retry the request.",
      {},
      {
        cause: error,
      },
    );
  }
  if (!created.created) return replay(created.existing, idem.fingerprint);

  if (!deferred && !asDraft) {
    try {
      await dispatch(deps.enqueuer).orchestrate(id, scheduledTime);
    } catch (error) {
      logs.enqueueFailed(TASK_FUNCTIONS.orchestratePost, id, error);
    }
  }
  return { postSubmissionId: id, replayed: false, logged: true };
}

/** What is stored: a post's accepted targets, or a draft's checked request and no targets (`accounts` null). */
async function accepted(
  deps: AppDeps,
  caller: ApiKeyAuth,
  draft: PostDraft,
  accounts: ReturnType<typeof draftAccounts> | null,
): Promise<{ request: PostDraft["request"]; targets: ResolvedTarget[]; mediaIds: string[] }> {
  if (accounts === null) return { ...(await prepareDraft(deps, caller, draft)).check(), targets: [] };
  const { request, plan, mediaIds } = (await preparePost(deps, caller, { draft, accounts })).plan();
  return { request, targets: acceptedTargets(plan), mediaIds };
}

function replay(record: IdempotencyRecord, fingerprint: string): CreatePostResult {
  if (record.fingerprint !== fingerprint) {
    throw new AppError(
      "idempotency_conflict",
      "This Idempotency-Key was already used with a different request body. Use a new key for a different request.",
    );
  }
  return { postSubmissionId: record.postSubmissionId, replayed: true, logged: false };
}
