import * as logger from "firebase-functions/logger";

/**
 * The log-event catalogue: one function per event so messages stay consistent and greppable.
 * Never pass credentials or raw API keys here.
 */
export const logs = {
  requestFailed: (requestId: string, error: unknown) =>
    logger.error("request failed", { requestId, error: error instanceof Error ? error.stack : String(error) }),
  requestNotLogged: (requestId: string, error: unknown) =>
    logger.error("request log entry not written; the answer stands", { requestId, error: String(error) }),
  enqueueFailed: (what: string, postSubmissionId: string, error: unknown) =>
    logger.warn("enqueue failed; the sweeper will recover it", { what, postSubmissionId, error: String(error) }),
  taskDropped: (task: string, reason: string, data: unknown) => logger.warn("task dropped", { task, reason, data }),
  eventRelayFailed: (eventIds: string[], error: unknown) =>
    logger.warn("event relay not enqueued; the sweeper will relay it", { eventIds, error: String(error) }),
  webhookGaveUp: (endpointId: string, eventId: string, attempts: number) =>
    logger.warn("webhook delivery gave up", { endpointId, eventId, attempts }),
  webhookDisabled: (endpointId: string, reason: string) =>
    logger.warn("webhook endpoint disabled", { endpointId, reason }),
  orchestrated: (postSubmissionId: string, runs: number) =>
    logger.info("submission dispatched", { postSubmissionId, runs }),
  deferred: (postSubmissionId: string, until: Date) =>
    logger.info("orchestration deferred", { postSubmissionId, until: until.toISOString() }),
  dispatchFailed: (postSubmissionId: string, error: unknown) =>
    logger.error("dispatch failed", { postSubmissionId, error: String(error) }),
  mediaFailed: (postSubmissionId: string, reason: string) =>
    logger.warn("the post's media could not be prepared; its runs failed", { postSubmissionId, reason }),
  runFinished: (postSubmissionId: string, runId: string, status: string, code?: string) =>
    logger.info("run finished", { postSubmissionId, runId, status, code }),
  runExhausted: (postSubmissionId: string, runId: string, status: string, attempts: number, reason: string) =>
    logger.error("run finished at claim: its attempts were used up by deliveries that ended without an outcome", {
      postSubmissionId,
      runId,
      status,
      attempts,
      reason,
    }),
  runRetry: (postSubmissionId: string, runId: string, code: string, attempt: number) =>
    logger.warn("run will be retried", { postSubmissionId, runId, code, attempt }),
  /** Where the document is and which fields are wrong, never their values (an account may hold a token). */
  malformedDocument: (what: string, path: string, problems: string[]) =>
    logger.error("malformed document read as absent", { what, path, problems }),
  lastUsedNotRecorded: (error: unknown) => logger.warn("API key lastUsedAt not recorded", { error: String(error) }),
  rateLimiterUnavailable: (requestId: string, error: unknown) =>
    logger.error("rate limiter unavailable; request let through", { requestId, error: String(error) }),
  progressNotShown: (postSubmissionId: string, runId: string, error: unknown) =>
    logger.warn("upload progress not written; the upload goes on", { postSubmissionId, runId, error: String(error) }),
  runDeferred: (postSubmissionId: string, runId: string, until: Date) =>
    logger.info("run deferred by the account's posting cap", { postSubmissionId, runId, until: until.toISOString() }),
  swept: (counts: Record<string, number>) => logger.info("sweep finished", counts),
  mediaPurged: (counts: Record<string, number>) => logger.info("media retention applied", counts),
  tokenHealth: (counts: Record<string, number>) => logger.info("token health checked", counts),
  renewalFailed: (platform: string, code: string) =>
    logger.warn("token renewal failed; retried later", { platform, code }),
};
