import type { NextFunction, Request, Response } from "express";
import { hashApiKey, keyModeOf } from "../../domain/api-key";
import { AppError } from "../../domain/errors";
import { ctx } from "../context";
import type { DepsProvider } from "../deps";

/**
 * The key from `soku-api-key` or `Authorization: Bearer sk_…`. A Bearer value that is not a key
 * (a Firebase ID token) is refused on content routes, as Soku does.
 */
function presentedKey(req: Request): string | null {
  const header = req.get("soku-api-key");
  if (header !== undefined && header.trim() !== "") return header.trim();
  const auth = req.get("authorization");
  const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1];
  return bearer && bearer.startsWith("sk_") ? bearer : null;
}

/** Contract §3: an API key that exists, is not revoked, and whose user has an active subscription. */
export function requireApiKey(deps: DepsProvider) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = presentedKey(req);
    if (key === null) throw new AppError("unauthorized", "Missing or invalid soku-api-key");
    const mode = keyModeOf(key);
    const d = deps();
    const keyHash = hashApiKey(key);
    const record = mode === null ? null : await d.apiKeys.get(keyHash);
    if (!record || record.mode !== mode) throw new AppError("unauthorized", "Invalid API key");
    if (record.revokedAt) throw new AppError("unauthorized", "API key revoked");

    ctx(res).auth = { userId: record.userId, keyHash, mode: record.mode };
    const sub = await d.users.getSubscription(record.userId);
    const active =
      sub !== null &&
      (sub.status === "active" || sub.status === "trialing") &&
      sub.currentPeriodEnd.toMillis() > d.clock().getTime();
    if (!active) throw new AppError("forbidden", "An active subscription is required to access the API.");
    next();
  };
}
