import type { Request } from "express";

/** `Authorization: Bearer <value>`, if present. */
export function bearerToken(req: Request): string | null {
  const auth = req.get("authorization");
  return (auth && /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1]) || null;
}

/**
 * The API key from `soku-api-key` or `Authorization: Bearer sk_…`. A Bearer value that is not a
 * key (a Firebase ID token) is not an API key: content routes refuse it, as Soku does.
 */
export function presentedApiKey(req: Request): string | null {
  const header = req.get("soku-api-key");
  if (header !== undefined && header.trim() !== "") return header.trim();
  const bearer = bearerToken(req);
  return bearer && bearer.startsWith("sk_") ? bearer : null;
}
