import type { Response } from "express";
import type { AppError } from "../domain/errors";
import type { RateLimitTier } from "../domain/rate-limit";
import type { ApiKeyAuth, IdTokenAuth } from "./caller";

/** Who the credentials name, learned before the rate limiter and enforced after it. */
export interface Identity {
  userId: string;
  tier: RateLimitTier;
  subscriptionActive: boolean;
  auth: ApiKeyAuth | IdTokenAuth;
}

/** What the middleware learns about a request, kept on `res.locals`. */
export interface RequestContext {
  requestId: string;
  /** The id of the request's log document: always Postcast's (domain/request-id.ts). */
  logId: string;
  startedAt: number;
  /** Valid credentials, if any; the rate limiter keys on it (or on the client IP without it). */
  identity?: Identity;
  /** Why the credentials were refused, answered once the rate limiter has counted the request. */
  authFailure?: AppError;
  /** Set once the credentials are accepted for the route; requests with it are logged. */
  auth?: ApiKeyAuth | IdTokenAuth;
  /** Set once the request's apiRequests document is written (or included in a batch). */
  logged?: boolean;
  /**
   * The rate limiter's verdict when it runs beside the route's own reads (middleware/rate-limit.ts):
   * rejects with the 429. Whoever commits or answers awaits it first.
   */
  admission?: Promise<void>;
  /** The submission the request created or read, for the request log. */
  postSubmissionId?: string;
}

export function ctx(res: Response): RequestContext {
  return res.locals as RequestContext;
}

/** The API-key caller of a content route (set by requireApiKey). */
export function apiKeyAuth(res: Response): ApiKeyAuth {
  const auth = ctx(res).auth;
  if (auth?.via !== "apiKey") throw new Error("route mounted without requireApiKey");
  return auth;
}

/** The ID-token caller of a key-management route (set by requireIdToken). */
export function idTokenAuth(res: Response): IdTokenAuth {
  const auth = ctx(res).auth;
  if (auth?.via !== "idToken") throw new Error("route mounted without requireIdToken");
  return auth;
}
