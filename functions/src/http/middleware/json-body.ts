import express, { type NextFunction, type Request, type Response } from "express";
import { AppError, validationError } from "../../domain/errors";

export const BODY_LIMIT_BYTES = 1024 * 1024;

const readRaw = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });

type WithRawBody = Request & { rawBody?: Buffer };

function hasBody(req: Request): boolean {
  const length = req.get("content-length");
  return (length !== undefined && length !== "0") || req.get("transfer-encoding") !== undefined;
}

/**
 * Parses JSON bodies for writes with the contract's rules: `application/json` only (415), at most
 * 1 MiB (413), well-formed (400). On Cloud Functions the framework has already read the stream
 * and kept `rawBody`; locally express reads it, so the rules hold the same in both places.
 */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== "POST" && req.method !== "PUT" && req.method !== "PATCH") return next();
  const preRead = (req as WithRawBody).rawBody;
  if (!hasBody(req) && !preRead?.length) {
    req.body = undefined;
    return next();
  }
  const type = req.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return next(
      new AppError("unsupported_media_type", "The body must be JSON, sent with Content-Type: application/json."),
    );
  }
  const parse = (raw: Buffer | undefined): void => {
    if (raw && raw.length > BODY_LIMIT_BYTES) return next(tooLarge());
    const text = raw?.toString("utf8") ?? "";
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
  if (preRead) return parse(preRead);
  readRaw(req, res, (err?: unknown) => {
    if (err) return next(isTooLarge(err) ? tooLarge() : err);
    parse(Buffer.isBuffer(req.body) ? req.body : undefined);
  });
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", "The body is larger than 1 MiB.", { limitBytes: BODY_LIMIT_BYTES });
}

function isTooLarge(err: unknown): boolean {
  return (err as { type?: unknown } | null)?.type === "entity.too.large";
}
