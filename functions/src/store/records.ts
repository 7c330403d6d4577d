import {
  Timestamp,
  type DocumentData,
  type DocumentSnapshot,
  type DocumentReference,
  type FirestoreDataConverter,
  type QueryDocumentSnapshot,
} from "firebase-admin/firestore";
import { z } from "zod";
import { PLATFORMS } from "../domain/platforms";
import type { NormalizedPostRequest, RuleFinding } from "../domain/post-model";
import { SANDBOX_OUTCOMES } from "../domain/sandbox-outcome";
import { WAIT_REASONS } from "../domain/run-waiting";
import { RUN_STATUSES, SUBMISSION_STATUSES } from "../domain/submission-status";
import { logs } from "../logs";

/**
 * Document shapes of docs/contract.md §2, validated on every read. Others write some of these documents
 * too (a dashboard, an operator script, data carried over from Soku), so a field is required on
 * read only when Postcast cannot act safely without it; every field Postcast adds is optional.
 * A document that still fails is read as absent (`converter`, `recordOf`), never as a 500.
 */
const timestamp = z.instanceof(Timestamp);
const platform = z.enum(PLATFORMS);

/**
 * A field that is only shown (a name, a preview, a date): a value of the wrong type reads as null
 * rather than making the whole document unreadable.
 */
function shown<T extends z.ZodType>(schema: T) {
  return schema.nullable().optional().catch(null);
}

/** Soku's shape (`apiKeys/{sha256}` = `{userId, name?, createdAt, revokedAt}`) plus Postcast's optional fields. */
export const apiKeySchema = z.object({
  userId: z.string().min(1),
  /** The public id callers use to list and revoke the key; derived from the hash when absent (api-key-store.ts). */
  keyId: z.string().min(1).optional().catch(undefined),
  /** `sk_live_ab…yz`: enough to recognise a key, useless to an attacker. Unknown for keys written by others. */
  preview: shown(z.string()),
  name: shown(z.string()),
  /** Absent in Soku's shape: the presented key's own prefix then decides. */
  mode: z.enum(["live", "test"]).optional(),
  createdAt: shown(timestamp),
  /** Whether the key still works: never guessed, so a value that is neither null nor a time is malformed. */
  revokedAt: timestamp.nullable().optional(),
  lastUsedAt: shown(timestamp),
  /**
   * What the key may do (domain/scopes.ts). Absent (Soku's shape, keys made before scopes): every
   * scope. Never read leniently: a malformed list makes the key unusable rather than all-powerful.
   */
  scopes: z.array(z.string()).optional(),
});
export type ApiKeyRecord = z.infer<typeof apiKeySchema>;

export const userSchema = z.object({
  email: shown(z.string()),
  role: z.string().nullable().optional(),
  createdAt: shown(timestamp),
});
export type UserRecord = z.infer<typeof userSchema>;

/**
 * docs/contract.md §2, and Soku's documented shape, which adds Stripe's ids and dates (`customerId`,
 * `subscriptionId`, `priceId`, `currentPeriodStart`, `trialEnd`, `cancelAtPeriodEnd`, …: ignored).
 */
export const subscriptionSchema = z.object({
  /** Any Stripe status may appear (`incomplete`, `paused`, …); only `trialing` and `active` allow access. */
  status: z.string(),
  currentPeriodEnd: timestamp,
  planId: shown(z.string()),
});
export type SubscriptionRecord = z.infer<typeof subscriptionSchema>;

export const ACCOUNT_STATUSES = ["active", "needs_reauth", "disconnected"] as const;
/** Soku's own account documents carry no status: an account that is there is connected. */
export const accountStatus = z
  .enum(ACCOUNT_STATUSES)
  .nullish()
  .transform((s) => s ?? "active");

/**
 * docs/contract.md §2's shape (`{platform, displayName, username, status, createdAt}`) plus Postcast's
 * optional fields. Soku's documents may also hold tokens: they are never read, and never logged.
 */
export const accountSchema = z.object({
  /** The document's path names the platform too (`integrations/{platform}/accounts`); readers use the path. */
  platform: platform.optional().catch(undefined),
  displayName: shown(z.string()),
  username: shown(z.string()),
  status: accountStatus,
  statusReason: shown(z.string()),
  avatarUrl: shown(z.string()),
  /** `status` plus `expiring` (domain/account-health.ts), kept current by the token-health job. */
  health: z.enum(["active", "expiring", "needs_reauth", "disconnected"]).optional().catch(undefined),
  tokenExpiresAt: shown(timestamp),
  reconnectBy: shown(timestamp),
  createdAt: shown(timestamp),
  connectedAt: shown(timestamp),
});
export type AccountRecord = z.infer<typeof accountSchema>;

const runError = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });
export type RunError = z.infer<typeof runError>;

const ruleFindingSchema = z.object({ rule: z.string(), message: z.string() }) satisfies z.ZodType<RuleFinding>;
const accountIssueSchema = z.object({
  code: z.enum(["account_disconnected", "account_needs_reauth", "account_expiring"]),
  message: z.string(),
  fatal: z.boolean(),
  at: timestamp,
});
export type AccountIssueRecord = z.infer<typeof accountIssueSchema>;
const targetSchema = z.object({
  platform,
  accountId: z.string(),
  runId: z.string(),
  adjustments: z.array(ruleFindingSchema).optional(),
});
const summarySchema = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  /** Absent on documents written before runs could be canceled (domain/submission-status.ts). */
  canceled: z.number().int().optional(),
});

/**
 * The validated request (domain/post-model.ts), as Postcast stores it at creation and on edits.
 * Required here because nothing can be published without it; objects keep any other field, so a
 * read-modify-write (an edit, publish-now) loses nothing another writer added.
 */
const storedRequestSchema = z.looseObject({
  post: z.looseObject({
    content: z.looseObject({
      text: z.string().nullable(),
      mediaType: z.enum(["text", "image", "video"]),
      imageUrls: z.array(z.string()),
      videoUrl: z.string().nullable(),
      platform: z.array(
        z.looseObject({
          platform,
          accountId: z.string().nullable(),
          text: z.string().nullable().optional(),
          options: z.record(z.string(), z.unknown()).optional(),
        }),
      ),
    }),
  }),
  scheduledTime: z.string().nullable(),
  trial_reel: z.boolean(),
  strict: z.boolean().optional(),
  sandbox: z.object({ outcomes: z.record(z.string(), z.enum(SANDBOX_OUTCOMES)) }).nullable(),
}) satisfies z.ZodType<NormalizedPostRequest>;

export const submissionSchema = z.object({
  userId: z.string(),
  keyHash: z.string(),
  mode: z.enum(["live", "test"]),
  request: storedRequestSchema,
  targets: z.array(targetSchema),
  status: z.enum(SUBMISSION_STATUSES),
  scheduledTime: timestamp.nullable(),
  requestId: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  summary: summarySchema,
  /** The targeted platforms, for `GET /v1/posts?platform=` (array-contains). */
  platforms: z.array(platform).optional(),
  /** True while a scheduled post is beyond Cloud Tasks' horizon and waits for the sweeper. */
  deferred: z.boolean().optional(),
  error: runError.nullable().optional(),
  /** The user's stored media the post uses, so it is not deleted before the post has published. */
  mediaIds: z.array(z.string()).optional(),
  /** Set once the post's external media URLs were rehosted at orchestration (tasks/media-preparation.ts). */
  mediaPrepared: z.boolean().optional(),
  /** Problems with a target's account found before the post's time, by run id (domain/account-issues.ts). */
  accountIssues: z.record(z.string(), accountIssueSchema).optional(),
  /** Set when a draft was published: the time it was published for (null: at once), so a repeat answers alike. */
  publishedFromDraft: z.object({ at: timestamp, scheduledTime: timestamp.nullable() }).optional(),
});
export type SubmissionRecord = z.infer<typeof submissionSchema>;

/** What the run waits for (domain/run-waiting.ts): shown only, so a malformed one reads as none. */
const waitingSchema = z.object({
  reason: z.enum(WAIT_REASONS),
  message: z.string(),
  since: timestamp,
  until: timestamp.nullable(),
  progress: z.object({ sentBytes: z.number(), totalBytes: z.number() }).optional(),
});
export type RunWaitingRecord = z.infer<typeof waitingSchema>;

/**
 * Runs written before `waiting` said why kept only platform processing there, as
 * `{since, checks, reason}` with a sentence for `reason`: read as a `platform_processing` wait
 * (next check unknown) and the `platformProcessing` it implies.
 */
function legacyWaiting(doc: unknown): unknown {
  if (!doc || typeof doc !== "object") return doc;
  const run = doc as Record<string, unknown>;
  const w = run.waiting as Record<string, unknown> | null | undefined;
  if (!w || typeof w !== "object" || "message" in w || typeof w.checks !== "number") return doc;
  return {
    ...run,
    waiting: { reason: "platform_processing", message: String(w.reason), since: w.since, until: null },
    platformProcessing: run.platformProcessing ?? { since: w.since, checks: w.checks },
  };
}

export const runSchema = z.preprocess(
  legacyWaiting,
  z.object({
    platform,
    accountId: z.string(),
    status: z.enum(RUN_STATUSES),
    attempts: z.number().int(),
    platformPostId: z.string().nullable(),
    permalink: z.string().nullable(),
    error: runError.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    finishedAt: timestamp.nullable(),
    /** Identifies the delivery that holds the run while `processing`, and until when. */
    leaseId: z.string().nullable().optional(),
    leaseExpiresAt: timestamp.nullable().optional(),
    /** Changes made to fit the platform's rules when the post was sent with `strict: false`. */
    adjustments: z.array(ruleFindingSchema).optional(),
    /** What the platform has of this run so far (container ids, upload sessions, publish ids). */
    progress: z.record(z.string(), z.unknown()).nullable().optional(),
    /** Set right before a call that may publish, cleared when its outcome is recorded. */
    pendingCommit: z.object({ attempt: z.number().int(), at: timestamp }).nullable().optional(),
    /**
     * The platform holds something of this run that it is processing (a container, a video), since
     * when, and how many check tasks were scheduled (their ids count them). Kept through a retry,
     * since the platform still holds it; cleared with the final outcome.
     */
    platformProcessing: z.object({ since: timestamp, checks: z.number().int() }).nullable().optional(),
    /** Why the run waits, and until when (domain/run-waiting.ts). */
    waiting: shown(waitingSchema),
    /** A non-fatal account issue the submission carried when the run was created. */
    warning: accountIssueSchema.nullable().optional(),
  }),
);
export type RunRecord = z.infer<typeof runSchema>;

export const idempotencySchema = z.object({
  fingerprint: z.string(),
  source: z.enum(["header", "derived"]),
  postSubmissionId: z.string(),
  status: z.number().int(),
  createdAt: timestamp,
  expireAt: timestamp,
});
export type IdempotencyRecord = z.infer<typeof idempotencySchema>;

/** A document that does not have its schema's shape (records.ts); its converter logged it. */
export class MalformedDocument extends Error {
  constructor(
    readonly what: string,
    readonly path: string,
  ) {
    super(`Malformed ${what} document ${path}`);
    this.name = "MalformedDocument";
  }
}

/**
 * A converter that validates with `schema` on read and writes the record as is. A malformed
 * document (wrong types, missing required fields) is logged with its path and which fields are
 * wrong, never their values, and throws MalformedDocument. Stores read through `recordOf` and
 * `wellFormed`, which take it for absent, so every caller answers as it does for a missing
 * document (401, 403, 404 or a skip) instead of failing with a 500.
 */
export function converter<T extends DocumentData>(schema: z.ZodType<T>, what: string): FirestoreDataConverter<T> {
  return {
    toFirestore: (record) => record,
    fromFirestore: (snap: QueryDocumentSnapshot) => {
      const parsed = schema.safeParse(snap.data());
      if (parsed.success) return parsed.data;
      logs.malformedDocument(
        what,
        snap.ref.path,
        parsed.error.issues.map((issue) => `${issue.path.join(".") || "(document)"}: ${issue.code}`),
      );
      throw new MalformedDocument(what, snap.ref.path);
    },
  };
}

/** The record a snapshot holds, or undefined when the document is missing or malformed (logged). */
export function recordOf<T>(snap: DocumentSnapshot<T>): T | undefined {
  try {
    return snap.data();
  } catch (error) {
    if (error instanceof MalformedDocument) return undefined;
    throw error;
  }
}

export interface Found<T> {
  id: string;
  ref: DocumentReference<T>;
  data: T;
}

/** The well-formed documents of a query: a malformed one (logged) is skipped as if it were not there. */
export function wellFormed<T>(snap: { docs: readonly QueryDocumentSnapshot<T>[] }): Found<T>[] {
  return snap.docs.flatMap((d) => {
    const data = recordOf(d);
    return data === undefined ? [] : [{ id: d.id, ref: d.ref, data }];
  });
}

export const converters = {
  apiKey: converter(apiKeySchema, "apiKey"),
  user: converter(userSchema, "user"),
  subscription: converter(subscriptionSchema, "subscription"),
  account: converter(accountSchema, "account"),
  submission: converter(submissionSchema, "postSubmission"),
  run: converter(runSchema, "run"),
  idempotency: converter(idempotencySchema, "idempotency key"),
};
