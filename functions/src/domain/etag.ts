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
  const etag = etagOf(v);
  return header
    .split(",")
    .map((part) => part.trim())
    .some((part) => {
      if (part === "*") return true;
      const bare = part.replace(/^W\//, "");
      return bare === etag || bare === etag.slice(1, -1) || bare.replace(/^"|"$/g, "") === v.updatedAtIso;
    });
}
