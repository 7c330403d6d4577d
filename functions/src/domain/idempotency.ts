import { canonicalJson, sha256Hex } from "./canonical-json";
import type { KeyMode } from "./api-key";
import { validationError } from "./errors";

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

const HEADER_KEY = /^[\x20-\x7e]{1,255}$/;

export interface IdempotencyIdentity {
  /** Document id of the key record, scoped to the user. */
  recordId: string;
  /** Fingerprint of what was asked; a different fingerprint under the same key is a conflict. */
  fingerprint: string;
  source: "header" | "derived";
}

/**
 * docs/contract.md §5: a caller's Idempotency-Key, or one derived from the user and the canonical body so
 * identical requests deduplicate. Test and live are separate worlds (domain/owner.ts): the same
 * key or body sent with a test and a live key are two requests, neither a replay nor a conflict of
 * the other, so the mode is part of both the record id and the fingerprint.
 */
export function idempotencyIdentity(
  userId: string,
  mode: KeyMode,
  header: string | undefined,
  body: unknown,
): IdempotencyIdentity {
  const fingerprint = sha256Hex(canonicalJson({ mode, body }));
  if (header === undefined) {
    return { recordId: `d_${sha256Hex(`${userId}\n${fingerprint}`)}`, fingerprint, source: "derived" };
  }
  if (!HEADER_KEY.test(header)) {
    throw validationError([
      {
        field: "Idempotency-Key",
        reason: "invalid_format",
        message: "Idempotency-Key must be 1–255 printable ASCII characters.",
      },
    ]);
  }
  // A live key keeps the record id it had before modes were scoped, so a live retry sent across
  // the upgrade still finds its first request: a live post is never published twice.
  const scope = mode === "live" ? userId : `${userId}\n${mode}`;
  return { recordId: `h_${sha256Hex(`${scope}\n${header}`)}`, fingerprint, source: "header" };
}
