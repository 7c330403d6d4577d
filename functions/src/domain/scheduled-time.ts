import type { FieldIssue } from "./errors";

export const SCHEDULE_RULES = {
  /** docs/contract.md §5: at least 60 s ahead. */
  minLeadMs: 60_000,
  /** How far ahead a post may be scheduled. */
  maxLeadMs: 366 * 24 * 3600_000,
} as const;

// ISO 8601 date-time that must carry a zone designator: a bare local time is ambiguous, and
// guessing a zone is how the peers' users ended up posting hours off.
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Parses an ISO 8601 time with zone; null when malformed or not a real calendar time. */
export function parseZonedIso(value: string): Date | null {
  const m = ISO_WITH_ZONE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map((part) => (part === undefined ? undefined : Number(part)));
  const offsetH = m[9] === undefined ? 0 : Number(m[9]);
  const offsetM = m[10] === undefined ? 0 : Number(m[10]);
  if (mo! < 1 || mo! > 12 || d! < 1 || h! > 23 || mi! > 59 || (s ?? 0) > 59 || offsetH > 23 || offsetM > 59)
    return null;
  const days = new Date(Date.UTC(y!, mo, 0)).getUTCDate();
  if (d! > days) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export function checkScheduledTime(value: string | null, now: Date): { iso: string | null; issue?: FieldIssue } {
  if (value === null) return { iso: null };
  const field = "scheduledTime";
  const at = parseZonedIso(value);
  if (!at) {
    return {
      iso: null,
      issue: {
        field,
        reason: "invalid_format",
        message:
          "scheduledTime must be an ISO 8601 time with a zone, e.g. 2026-03-02T09:00:00Z or 2026-03-02T10:00:00+01:00.",
      },
    };
  }
  const lead = at.getTime() - now.getTime();
  if (lead < SCHEDULE_RULES.minLeadMs) {
    return {
      iso: null,
      issue: { field, reason: "too_soon", message: "scheduledTime must be at least 60 seconds in the future." },
    };
  }
  if (lead > SCHEDULE_RULES.maxLeadMs) {
    return { iso: null, issue: { field, reason: "too_far", message: "scheduledTime can be at most 366 days ahead." } };
  }
  return { iso: at.toISOString() };
}
