import type { NextFunction, Request, Response } from "express";
import { hashApiKey, keyModeOf } from "../../domain/api-key";
import { AppError } from "../../domain/errors";
import { tierOf } from "../../domain/rate-limit";
import { grantedScopes } from "../../domain/scopes";
import { ctx } from "../context";
import type { AppDeps, DepsProvider } from "../deps";
import { bearerToken, presentedApiKey } from "./credentials";

async function standing(userId: string, deps: AppDeps) {
  const [sub, role] = await Promise.all([deps.users.getSubscription(userId), deps.users.getRole(userId)]);
  const subscriptionActive =
    sub !== null &&
    (sub.status === "active" || sub.status === "trialing") &&
    sub.currentPeriodEnd.toMillis() > deps.clock().getTime();
  return { subscriptionActive, tier: tierOf({ subscriptionActive, role }) };
}

/**
 * Content routes: resolves the API key (docs/contract.md §3) into an identity, or records why it was
 * refused. Nothing is answered here: the rate limiter counts the request first, so a flood of bad
 * keys is limited like anything else.
 */
export function identifyApiKey(deps: DepsProvider) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const c = ctx(res);
    const key = presentedApiKey(req);
    if (key === null) {
      c.authFailure = new AppError("unauthorized", "Missing or invalid soku-api-key");
      return next();
    }
    const d = deps();
    const mode = keyModeOf(key);
    const keyHash = hashApiKey(key);
    const record = mode === null ? null : await d.apiKeys.get(keyHash);
    // A key written in Soku's shape records no mode: its prefix is its mode. One that records a
    // mode must agree with its prefix.
    if (!record || mode === null || (record.mode ?? mode) !== mode) {
      c.authFailure = new AppError("unauthorized", "Invalid API key");
    } else if (record.revokedAt) {
      c.authFailure = new AppError("unauthorized", "API key revoked");
    } else {
      c.identity = {
        userId: record.userId,
        ...(await standing(record.userId, d)),
        auth: { via: "apiKey", userId: record.userId, keyHash, mode, scopes: grantedScopes(record.scopes) },
      };
    }
    next();
  };
}

/**
 * Key management and account connections: a Firebase ID token proves the account owner is
 * present. An API key is refused here (a leaked key must not be able to mint more keys, nor
 * connect or disconnect accounts).
 */
export function identifyIdToken(deps: DepsProvider, purpose = "manage API keys") {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const c = ctx(res);
    const token = bearerToken(req);
    if (presentedApiKey(req) !== null) {
      c.authFailure = new AppError(
        "unauthorized",
        `API keys cannot ${purpose}: send a Firebase ID token as Authorization: Bearer <idToken>.`,
      );
      return next();
    }
    if (token === null) {
      c.authFailure = new AppError("unauthorized", "Missing Firebase ID token: send Authorization: Bearer <idToken>.");
      return next();
    }
    const d = deps();
    const uid = await d.verifyIdToken(token).catch(() => null);
    if (uid === null) {
      c.authFailure = new AppError("unauthorized", "Invalid or expired Firebase ID token.");
      return next();
    }
    c.identity = { userId: uid, ...(await standing(uid, d)), auth: { via: "idToken", userId: uid } };
    next();
  };
}
