import type { NextFunction, Request, Response, Router } from "express";
import { AppError } from "../../domain/errors";
import { isDocumentId } from "../../domain/path-segment";

/**
 * Checks path parameters that name stored documents, before any handler runs: a value Firestore
 * cannot hold as an id (`a/b` once decoded, `..`, `__x__`, over 1,500 bytes) names nothing the
 * caller owns, so it is a 404, never a call that Firestore refuses with an exception.
 */
export function documentIdParams(router: Router, params: Record<string, string>): void {
  for (const [name, what] of Object.entries(params)) {
    router.param(name, (_req: Request, _res: Response, next: NextFunction, value: unknown) => {
      if (typeof value === "string" && isDocumentId(value)) return next();
      next(new AppError("not_found", `No ${what} with this id.`));
    });
  }
}
