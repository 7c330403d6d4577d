import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { sha256Hex } from "../../domain/canonical-json";
import { validationError } from "../../domain/errors";
import { normalizePlatform } from "../../domain/platforms";
import { parseZonedIso } from "../../domain/scheduled-time";
import { SUBMISSION_STATUSES, type SubmissionStatus } from "../../domain/submission-status";
import type { AppDeps } from "../deps";
import { postView } from "./post-view";

export const LIST_LIMIT = { default: 20, max: 100 } as const;

const single = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v) as unknown;
const isoTime = z.preprocess(
  single,
  z
    .string()
    .refine((s) => parseZonedIso(s) !== null, { message: "must be an ISO 8601 time with a zone" })
    .optional(),
);
const querySchema = z.strictObject({
  status: z.preprocess(
    (v) => (Array.isArray(v) ? v.join(",") : v),
    z
      .string()
      .transform((s) => s.split(",").map((x) => x.trim()))
      .pipe(z.array(z.enum(SUBMISSION_STATUSES)).min(1).max(10))
      .optional(),
  ),
  platform: z.preprocess(
    single,
    z
      .string()
      .refine((p) => normalizePlatform(p) !== null, { message: "is not a supported platform" })
      .optional(),
  ),
  from: isoTime,
  to: isoTime,
  limit: z.preprocess(single, z.coerce.number().int().min(1).max(LIST_LIMIT.max).optional()),
  cursor: z.preprocess(single, z.string().max(500).optional()),
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
 * GET /v1/posts: the caller's submissions, newest first by creation time. `from`/`to` bound
 * `createdAt` (from inclusive, to exclusive); `status` takes one status or a comma list.
 */
export async function listPosts(query: unknown, userId: string, deps: AppDeps) {
  const parsed = querySchema.safeParse(query);
  if (!parsed.success) {
    throw validationError(
      parsed.error.issues.flatMap((i) =>
        i.code === "unrecognized_keys"
          ? i.keys.map((k) => ({
              field: k,
              reason: "unknown_field",
              message: `Unknown query parameter '${k}' (status, platform, from, to, limit, cursor).`,
            }))
          : [
              {
                field: String(i.path[0] ?? ""),
                reason: "invalid_value",
                message: `'${String(i.path[0])}' ${i.message}`,
              },
            ],
      ),
    );
  }
  const q = parsed.data;
  const statuses = [...new Set(q.status ?? [])] as SubmissionStatus[];
  const platform = q.platform ? normalizePlatform(q.platform) : null;
  const from = q.from ? parseZonedIso(q.from) : null;
  const to = q.to ? parseZonedIso(q.to) : null;
  if (from && to && from >= to) {
    throw validationError([{ field: "to", reason: "invalid_value", message: "'to' must be later than 'from'." }]);
  }
  const filters = sha256Hex(JSON.stringify([statuses, platform, from?.toISOString(), to?.toISOString()])).slice(0, 16);
  const limit = q.limit ?? LIST_LIMIT.default;
  const after = q.cursor ? decodeCursor(q.cursor, filters) : null;

  const { posts, more } = await deps.postList.list({ userId, statuses, platform, from, to, limit, after });
  const last = posts[posts.length - 1];
  return {
    data: posts.map((p) => postView(p.id, p.submission, p.runs)),
    hasMore: more,
    nextCursor:
      more && last
        ? encodeCursor({
            s: last.submission.createdAt.seconds,
            n: last.submission.createdAt.nanoseconds,
            id: last.id,
            f: filters,
          })
        : null,
  };
}
