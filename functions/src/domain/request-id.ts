import { randomBytes } from "node:crypto";

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A new id of Postcast's own: `req_` and 96 random bits. */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString("hex")}`;
}

/**
 * The request's ids. `requestId` is the caller's X-Request-ID when well formed (docs/contract.md §4), else
 * a new one; it is echoed and recorded. `logId` names the request's log document and is always
 * Postcast's: a caller's id may repeat (two requests would share one log entry, so a key holder
 * could collapse an audit trail) or be a name Firestore refuses (`..`, `__x__`). Without a caller
 * id the two are the same, so the document is found by the X-Request-ID the response carried.
 */
export function requestIds(header: string | undefined): { requestId: string; logId: string } {
  const logId = newRequestId();
  return { requestId: header !== undefined && CALLER_REQUEST_ID.test(header) ? header : logId, logId };
}
