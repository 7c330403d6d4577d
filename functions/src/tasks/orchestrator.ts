import { dispatchable } from "../domain/account-issues";
import { MediaRefusal } from "../domain/media-refusal";
import type { SubmissionRecord } from "../store/records";
import type { SubmissionStore } from "../store/submission-store";
import { logs } from "../logs";
import { mayRecover, prepareMedia, type MediaPreparationDeps } from "./media-preparation";
import { dispatch, TASK_FUNCTIONS } from "./dispatch";
import { orchestratePayload } from "./payloads";
import { CLOUD_TASKS_HORIZON_MS, ORCHESTRATOR_RETRY } from "./queue-options";
import type { TaskEnqueuer } from "./task-enqueuer";
import type { TaskMeta } from "./task-types";

export interface OrchestratorDeps {
  submissions: SubmissionStore;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  media: MediaPreparationDeps;
}

/** Within this much of the scheduled time the orchestrator just waits instead of re-deferring. */
export const INLINE_WAIT_MAX_MS = 30_000;
const EARLY_TOLERANCE_MS = 500;

/**
 * The `orchestratePost` task: creates the runs and hands each to its platform's queue. Safe to
 * deliver any number of times, early or late: every step re-reads state first.
 */
export async function orchestratePost(data: unknown, deps: OrchestratorDeps, meta: TaskMeta): Promise<void> {
  const payload = orchestratePayload.safeParse(data);
  if (!payload.success) return logs.taskDropped(TASK_FUNCTIONS.orchestratePost, "malformed payload", data);
  const id = payload.data.postSubmissionId;

  for (;;) {
    const begin = await deps.submissions.beginOrchestration(id, deps.clock(), EARLY_TOLERANCE_MS);
    if (begin.kind === "missing") return logs.taskDropped(TASK_FUNCTIONS.orchestratePost, "no such submission", data);
    if (begin.kind === "done") return;
    if (begin.kind === "early") {
      // Cloud Tasks may deliver early (and the emulator used to ignore schedule times): wait a
      // little, or hand the work to a task scheduled for the right time.
      const wait = begin.scheduledTime.getTime() - deps.clock().getTime();
      if (wait <= INLINE_WAIT_MAX_MS) {
        await deps.sleep(Math.max(wait, 0));
        continue;
      }
      // Moved beyond Cloud Tasks' horizon by an edit: the submission is marked deferred and the
      // sweeper hands it over when it comes within reach.
      if (wait > CLOUD_TASKS_HORIZON_MS) return logs.deferred(id, begin.scheduledTime);
      await dispatch(deps.enqueuer).redefer(id, begin.scheduledTime, deps.clock());
      return logs.deferred(id, begin.scheduledTime);
    }

    if (!(await mediaReady(id, begin.submission, deps, meta))) return;
    try {
      await Promise.all(
        dispatchable(begin.submission.targets, begin.submission.accountIssues).map((t) =>
          dispatch(deps.enqueuer).publish({ postSubmissionId: id, runId: t.runId, platform: t.platform }),
        ),
      );
    } catch (error) {
      if (meta.retryCount + 1 < ORCHESTRATOR_RETRY.maxAttempts) throw error;
      logs.dispatchFailed(id, error);
      await deps.submissions.markDispatchFailed(id, {
        code: "dispatch_failed",
        message: "The post could not be handed to the publishing queues.",
        retryable: false,
      });
      return;
    }
    await deps.submissions.markDispatched(id);
    return logs.orchestrated(id, begin.submission.targets.length);
  }
}

/**
 * Rehosts a live post's external media once, before any platform sees it (the sandbox keeps the
 * URLs: it fetches nothing). A refusal that may pass is retried by Cloud Tasks while attempts
 * remain; otherwise every run fails with the reason and nothing is dispatched.
 */
async function mediaReady(
  id: string,
  submission: SubmissionRecord,
  deps: OrchestratorDeps,
  meta: TaskMeta,
): Promise<boolean> {
  if (submission.mode !== "live" || submission.mediaPrepared) return true;
  try {
    const prepared = await prepareMedia(id, submission, deps.media);
    if (prepared) await deps.submissions.setPreparedMedia(id, prepared.request, prepared.mediaIds);
    return true;
  } catch (error) {
    if (!(error instanceof MediaRefusal)) throw error;
    if (mayRecover(error) && meta.retryCount + 1 < ORCHESTRATOR_RETRY.maxAttempts) throw error;
    logs.mediaFailed(id, error.reason);
    await deps.submissions.markMediaFailed(id, {
      code: "upload_failed",
      message: `The post's media could not be prepared (${error.reason}): ${error.message}`,
      retryable: false,
    });
    return false;
  }
}
