import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../../domain/canonical-json";
import { validationError } from "../../domain/errors";
import { zodIssues } from "../../domain/zod-issues";
import { normalizePlatform } from "../../domain/platforms";
import { parseZonedIso } from "../../domain/scheduled-time";
import { SUBMISSION_STATUSES, type SubmissionStatus } from "../../domain/submission-status";
import type { Owner } from "../../domain/owner";
import type { AppDeps } from "../deps";
import { postView } from "./post-view";

export const LIST_LIMIT = { default: 20, max: 100 } as const;

const single = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v) as unknown;
const isStatus = (s: string): s is SubmissionStatus => (SUBMISSION_STATUSES as readonly string[]).includes(s);

/** A query-string value parsed by `parse`, or an issue on that parameter saying what was expected. */
function param<T>(parse: (value: string) => T | null, expected: string) {
  return z.preprocess(
    single,
    z
      .string()
      .transform((value, ctx) => {
        const parsed = parse(value);
        if (parsed === null) ctx.addIssue({ code: "custom", message: expected });
        return parsed ?? z.NEVER;
      })
      .optional(),
  );
}

export const listPostsQuery = z.strictObject({
  status: z
    .preprocess(
      (v) => (Array.isArray(v) ? v.join(",") : v),
      param(
        (value) => {
          const list = [...new Set(value.split(",").map((x) => x.trim()))];
          return list.length <= 10 && list.every(isStatus) ? list : null;
        },
        `must be up to 10 of ${SUBMISSION_STATUSES.join(", ")}, comma-separated`,
      ),
    )
    .meta({
      description: `One status or a comma list (≤ 10) of: ${SUBMISSION_STATUSES.join(", ")} (\`draft\` lists drafts).`,
    }),
  platform: param(normalizePlatform, "is not a supported platform").meta({
    description: "A platform name (case-insensitive; `twitter` is `x`).",
  }),
  from: param(parseZonedIso, "must be an ISO 8601 time with a zone").meta({
    description: "Created at or after (ISO 8601 with a zone).",
  }),
  to: param(parseZonedIso, "must be an ISO 8601 time with a zone").meta({
    description: "Created before (ISO 8601 with a zone).",
  }),
  limit: z
    .preprocess(single, z.coerce.number().int().min(1).max(LIST_LIMIT.max).optional())
    .meta({ description: `Page size (default ${LIST_LIMIT.default}).` }),
  cursor: z
    .preprocess(single, z.string().max(500).optional())
    .meta({ description: "The previous page's nextCursor (valid with the same filters only)." }),
});

interface Cursor {
  s: number;
  n: number;
  id: string;
  /** Hash of the filters the cursor was issued for. */
  f: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(raw: string, filters: string) {
  const bad = (message: string) => validationError([{ field: "cursor", reason: "invalid_value", message }]);
  let c: Cursor;
  try {
    c = z
      .object({
        s: z.number().int(),
        n: z.number().int().min(0).max(999_999_999),
        id: z.string().min(1),
        f: z.string(),
      })
      .parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw bad("cursor is not a cursor this API issued; pass nextCursor from the previous page unchanged.");
  }
  if (c.f !== filters)
    throw bad("cursor was issued for different filters; keep status, platform, from and to unchanged while paging.");
  return { createdAt: new Timestamp(c.s, c.n), id: c.id };
}

/**
 * GET /v1/posts: the caller's submissions made with keys of the caller's key's mode, newest first
 * by creation time. `from`/`to` bound `createdAt` (from inclusive, to exclusive); `status` takes
 * one status or a comma list.
 */
export async function listPosts(deps: AppDeps, caller: Owner, input: { query: unknown }) {
  const { query } = input;
  const parsed = listPostsQuery.safeParse(query);
  if (!parsed.success) throw validationError(zodIssues(parsed.error, query));
  const { status: statuses = [], platform = null, from = null, to = null, limit = LIST_LIMIT.default } = parsed.data;
  if (from && to && from >= to) {
    throw validationError([{ field: "to", reason: "invalid_value", message: "'to' must be later than 'from'." }]);
  }
  const filters = sha256Hex(JSON.stringify([statuses, platform, from?.toISOString(), to?.toISOString()])).slice(0, 16);
  const after = parsed.data.cursor ? decodeCursor(parsed.data.cursor, filters) : null;

  const { posts, next } = await deps.postList.list({
    userId: caller.userId,
    mode: caller.mode,
    statuses,
    platform,
    from,
    to,
    limit,
    after,
  });
  return {
    data: posts.map((p) => postView(p.id, p.submission, p.runs)),
    hasMore: next !== null,
    nextCursor: next
      ? encodeCursor({ s: next.createdAt.seconds, n: next.createdAt.nanoseconds, id: next.id, f: filters })
      : null,
  };
}
