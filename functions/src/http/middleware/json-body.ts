import express, { type NextFunction, type Request, type Response } from "express";
import { AppError, validationError } from "../../domain/errors";

export const BODY_LIMIT_BYTES = 1024 * 1024;

const readRaw = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });

type WithRawBody = Request & { rawBody?: Buffer };

/** A length the client declared (null when it sent none, or chunks instead). */
function declaredLength(req: Request): number | null {
  const length = req.get("content-length");
  if (length === undefined) return null;
  const n = Number(length);
  return Number.isFinite(n) ? n : null;
}

function isJson(req: Request): boolean {
  return req.get("content-type")?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

function unsupportedType(): AppError {
  return new AppError("unsupported_media_type", "The body must be JSON, sent with Content-Type: application/json.");
}

/**
 * Parses JSON bodies for writes with the contract's rules: `application/json` only (415), at most
 * 1 MiB (413), well-formed (400). On Cloud Functions the framework has already read the stream
 * and kept `rawBody`; locally express reads it, so the rules hold the same in both places.
 *
 * Whether there is a body is decided by its bytes, not its headers: between curl and the app a
 * proxy may add `Transfer-Encoding: chunked` (the Functions emulator does) or a framework may
 * pre-read an empty `rawBody`, and a POST that carries nothing must stay bodiless whatever
 * transfer headers it gained on the way (publish-now, an upload's completion).
 */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== "POST" && req.method !== "PUT" && req.method !== "PATCH") return next();
  const decide = (raw: Buffer | undefined): void => {
    if (!raw?.length) {
      req.body = undefined;
      return next();
    }
    if (!isJson(req)) return next(unsupportedType());
    if (raw.length > BODY_LIMIT_BYTES) return next(tooLarge());
    const text = raw.toString("utf8");
    if (text.trim() === "") {
      req.body = undefined;
      return next();
    }
    try {
      req.body = JSON.parse(text) as unknown;
      next();
    } catch {
      next(validationError([{ field: "", reason: "malformed_json", message: "The body is not valid JSON." }]));
    }
  };
  const preRead = (req as WithRawBody).rawBody;
  if (preRead) return decide(preRead);
  const length = declaredLength(req);
  if (req.get("transfer-encoding") === undefined && !length) return decide(undefined);
  // A declared non-empty body of another type is refused without reading it.
  if (length && !isJson(req)) return next(unsupportedType());
  readRaw(req, res, (err?: unknown) => {
    if (err) return next(isTooLarge(err) ? tooLarge() : err);
    decide(Buffer.isBuffer(req.body) ? req.body : undefined);
  });
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", "The body is larger than 1 MiB.", { limitBytes: BODY_LIMIT_BYTES });
}

function isTooLarge(err: unknown): boolean {
  return (err as { type?: unknown } | null)?.type === "entity.too.large";
}
