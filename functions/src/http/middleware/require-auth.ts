import type { NextFunction, Request, Response } from "express";
import { AppError } from "../../domain/errors";
import { ctx } from "../context";
import type { DepsProvider } from "../deps";

function accepted(res: Response): void {
  const c = ctx(res);
  if (!c.identity) throw c.authFailure ?? new AppError("unauthorized", "Missing or invalid soku-api-key");
  c.auth = c.identity.auth;
}

/**
 * Content routes: a valid API key whose user has an active subscription (docs/contract.md §3). The key's
 * `lastUsedAt` is refreshed at most every few minutes per instance, never on every request.
 */
export function requireApiKey(deps: DepsProvider) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    accepted(res);
    const c = ctx(res);
    const auth = c.auth;
    if (auth?.via !== "apiKey") throw new AppError("unauthorized", "Missing or invalid soku-api-key");
    if (!c.identity?.subscriptionActive) {
      throw new AppError("forbidden", "An active subscription is required to access the API.");
    }
    await deps().apiKeys.touch(auth.keyHash);
    next();
  };
}

/** Key management: a valid Firebase ID token; no subscription needed to manage one's keys. */
export function requireIdToken(_req: Request, res: Response, next: NextFunction): void {
  accepted(res);
  next();
}
