import type { Request, Response } from "express";
import { errorType, type AppError } from "../domain/errors";
import type { DepsProvider } from "./deps";
import { ctx } from "./context";
import { logs } from "../logs";
import type { ApiRequestEntry } from "../store/api-request-store";

/** URLs can be as long as a server accepts (16 KB of headers); the log keeps their start. */
const PATH_LOG_LIMIT = 2048;

/**
 * Writes the request's apiRequests document (authenticated requests only) before the response
 * leaves: on Cloud Functions, work after the response may never run. It never throws: by now the
 * action has committed, and a lost log entry must not turn its answer into a 500 (the caller
 * would retry an action that succeeded). A failure is logged instead.
 */
export async function logRequest(
  req: Request,
  res: Response,
  deps: DepsProvider,
  status: number,
  errorCode: string | null,
): Promise<void> {
  const c = ctx(res);
  if (!c.auth || c.logged) return;
  c.logged = true;
  try {
    const d = deps();
    await d.apiRequests.record(c.auth.userId, c.logId, requestEntry(req, res, status, errorCode), d.clock());
  } catch (error) {
    logs.requestNotLogged(c.requestId, error);
  }
}

/** The request's apiRequests entry; `postSubmissionId` when a use case names the post before the context does. */
export function requestEntry(
  req: Request,
  res: Response,
  status: number,
  errorCode: string | null,
  postSubmissionId = ctx(res).postSubmissionId,
): ApiRequestEntry {
  const c = ctx(res);
  return {
    requestId: c.requestId,
    method: req.method,
    path: (req.originalUrl.split("?")[0] ?? req.originalUrl).slice(0, PATH_LOG_LIMIT),
    status,
    durationMs: Date.now() - c.startedAt,
    errorCode,
    postSubmissionId: postSubmissionId ?? null,
    ip: req.ip ?? null,
    userAgent: req.get("user-agent")?.slice(0, 512) ?? null,
  };
}

export async function sendJson(
  req: Request,
  res: Response,
  deps: DepsProvider,
  status: number,
  body: unknown,
): Promise<void> {
  // Nothing is answered before the rate limiter has decided (a refusal throws its 429).
  await ctx(res).admission;
  await logRequest(req, res, deps, status, null);
  res.status(status).json(body);
}

/** The docs/contract.md §4 envelope. */
export function errorBody(error: AppError, requestId: string, now: Date) {
  return {
    error: {
      type: errorType(error.status),
      code: error.code,
      message: error.message,
      timestamp: now.toISOString(),
      requestId,
      details: error.details,
    },
  };
}
