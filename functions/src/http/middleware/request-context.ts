import type { NextFunction, Request, Response } from "express";
import { requestIds } from "../../domain/request-id";
import { ctx } from "../context";

/** Assigns the request id (echoing a well-formed caller X-Request-ID) and sets it on every response. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const c = ctx(res);
  const ids = requestIds(req.get("x-request-id"));
  c.requestId = ids.requestId;
  c.logId = ids.logId;
  c.startedAt = Date.now();
  res.setHeader("X-Request-ID", c.requestId);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-store");
  next();
}
