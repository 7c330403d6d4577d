import type { NextFunction, Request, Response } from "express";
import { AppError } from "../../domain/errors";

/**
 * API keys are server-side secrets: a request that carries `Origin` comes from a browser page, where
 * the key would be visible to anyone. It is refused (preflights included) and no CORS header is
 * ever sent, so browsers cannot read any content-route response.
 */
export function rejectBrowserOrigin(req: Request, _res: Response, next: NextFunction): void {
  const origin = req.get("origin");
  if (origin === undefined) return next();
  throw new AppError(
    "forbidden",
    "Browser requests are not allowed: API keys are secrets and must stay on your server. Call the API from your backend and never ship a key to a web page.",
    { reason: "browser_origin", origin: origin.slice(0, 200) },
  );
}
