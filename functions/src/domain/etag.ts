/**
 * Optimistic concurrency for PATCH: the strong ETag is the document's update time (unique per
 * write, to the microsecond); the `updatedAt` ISO time from a GET is accepted too.
 */
export interface Version {
  /** Firestore update time, seconds and nanoseconds. */
  seconds: number;
  nanoseconds: number;
  /** The `updatedAt` field as ISO 8601. */
  updatedAtIso: string;
}

export function etagOf(v: Version): string {
  return `"${v.seconds}.${String(v.nanoseconds).padStart(9, "0")}"`;
}

/** Whether an `If-Match` header names this version (`*` always does). */
export function ifMatchHolds(header: string, v: Version): boolean {
  const current = etagOf(v).slice(1, -1);
  return header.split(",").some((part) => {
    const value = part
      .trim()
      .replace(/^W\//, "")
      .replace(/^"(.*)"$/, "$1");
    return value === "*" || value === current || value === v.updatedAtIso;
  });
}
