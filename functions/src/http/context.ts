import type { Response } from "express";
import type { KeyMode } from "../domain/api-key";

/** What the middleware learns about a request, kept on `res.locals`. */
export interface RequestContext {
  requestId: string;
  startedAt: number;
  auth?: { userId: string; keyHash: string; mode: KeyMode };
  /** Set once the request's apiRequests document is written (or included in a batch). */
  logged?: boolean;
  /** The submission the request created or read, for the request log. */
  postSubmissionId?: string;
}

export function ctx(res: Response): RequestContext {
  return res.locals as RequestContext;
}
