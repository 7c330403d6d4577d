import { randomBytes } from "node:crypto";

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-ID when well formed (contract §4), otherwise a new `req_…` id. */
export function requestIdFrom(header: string | undefined): string {
  if (header !== undefined && CALLER_REQUEST_ID.test(header)) return header;
  return `req_${randomBytes(12).toString("hex")}`;
}
