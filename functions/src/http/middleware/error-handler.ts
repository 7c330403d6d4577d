import type { NextFunction, Request, Response } from "express";
import { AppError, validationError } from "../../domain/errors";
import { MediaRefusal, uploadFailed } from "../../domain/media-refusal";
import { logs } from "../../logs";
import { ctx } from "../context";
import type { DepsProvider } from "../deps";
import { errorBody, logRequest } from "../respond";

/** Errors thrown by express/body-parser carry an HTTP status; keep their 4xx meaning. */
function fromHttpError(error: unknown): AppError | null {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== "number" || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError("payload_too_large", "The body is larger than 1 MiB.");
  if (status === 415)
    return new AppError("unsupported_media_type", "The body's encoding is not supported; send UTF-8 JSON.");
  return validationError([{ field: "", reason: "malformed_request", message: "The request could not be read." }]);
}

const INTERNAL = new AppError("internal_error", "An internal error occurred.");

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError("not_found", `No route for ${req.method} ${req.path}.`));
}

/**
 * The one error handler: AppErrors become their status with the contract envelope, as does a
 * media refusal from any path (a JPEG copy made while a post is created: `400 upload_failed`);
 * anything else is logged and answered with a generic 500 that reveals nothing.
 */
export function errorHandler(deps: DepsProvider) {
  return async (thrown: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> => {
    // A request the limiter refuses is answered 429 whatever else went wrong, as if it had been
    // refused before the route ran (middleware/rate-limit.ts).
    const error =
      (await ctx(res).admission?.then(
        () => thrown,
        (refusal: unknown) => refusal,
      )) ?? thrown;
    let appError =
      error instanceof AppError
        ? error
        : error instanceof MediaRefusal
          ? uploadFailed(error)
          : (fromHttpError(error) ?? INTERNAL);
    if (appError.status >= 500) {
      logs.requestFailed(ctx(res).requestId, error);
      // Internal details (document paths, causes) go to the log, never to the caller.
      if (appError.code === "internal_error") appError = INTERNAL;
    }
    if (appError.code === "rate_limit_exceeded" && typeof appError.details.retryAfter === "number") {
      res.setHeader("Retry-After", String(appError.details.retryAfter));
    }
    await logRequest(req, res, deps, appError.status, appError.code);
    res.status(appError.status).json(errorBody(appError, ctx(res).requestId, new Date()));
  };
}
