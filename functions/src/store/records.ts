import {
  Timestamp,
  type DocumentData,
  type FirestoreDataConverter,
  type QueryDocumentSnapshot,
} from "firebase-admin/firestore";
import { z } from "zod";
import { PLATFORMS } from "../domain/platforms";
import { RUN_STATUSES, SUBMISSION_STATUSES } from "../domain/submission-status";
import { AppError } from "../domain/errors";

/**
 * Document shapes of contract §2, validated on every read: a malformed document is reported as
 * an internal error where it is read, not discovered later as a wrong value.
 */
const timestamp = z.instanceof(Timestamp);
const platform = z.enum(PLATFORMS);

export const apiKeySchema = z.object({
  userId: z.string().min(1),
  /** The public id callers use to list and revoke the key (the hash never leaves the server). */
  keyId: z.string().min(1),
  /** `sk_live_ab…yz`: enough to recognise a key, useless to an attacker. */
  preview: z.string(),
  name: z.string().max(100).nullable().optional(),
  mode: z.enum(["live", "test"]),
  createdAt: timestamp,
  revokedAt: timestamp.nullable().optional(),
  lastUsedAt: timestamp.nullable().optional(),
});
export type ApiKeyRecord = z.infer<typeof apiKeySchema>;

export const userSchema = z.object({
  email: z.string().nullable().optional(),
  role: z.string().nullable().optional(),
  createdAt: timestamp.optional(),
});
export type UserRecord = z.infer<typeof userSchema>;

export const subscriptionSchema = z.object({
  status: z.enum(["trialing", "active", "canceled", "past_due", "unpaid"]),
  currentPeriodEnd: timestamp,
  planId: z.string().nullable().optional(),
});
export type SubscriptionRecord = z.infer<typeof subscriptionSchema>;

export const accountSchema = z.object({
  platform,
  displayName: z.string().nullable().optional(),
  username: z.string().nullable().optional(),
  status: z.enum(["active", "needs_reauth", "disconnected"]),
  statusReason: z.string().nullable().optional(),
  avatarUrl: z.string().nullable().optional(),
  /** `status` plus `expiring` (domain/account-health.ts), kept current by the token-health job. */
  health: z.enum(["active", "expiring", "needs_reauth", "disconnected"]).optional(),
  tokenExpiresAt: timestamp.nullable().optional(),
  reconnectBy: timestamp.nullable().optional(),
  createdAt: timestamp.optional(),
  connectedAt: timestamp.optional(),
});
export type AccountRecord = z.infer<typeof accountSchema>;

const runError = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });
export type RunError = z.infer<typeof runError>;

const adjustmentSchema = z.object({ rule: z.string(), message: z.string() });
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
  adjustments: z.array(adjustmentSchema).optional(),
});
const summarySchema = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
});

export const submissionSchema = z.object({
  userId: z.string(),
  keyHash: z.string(),
  mode: z.enum(["live", "test"]),
  request: z.record(z.string(), z.unknown()),
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
});
export type SubmissionRecord = z.infer<typeof submissionSchema>;

export const runSchema = z.object({
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
  adjustments: z.array(adjustmentSchema).optional(),
  /** What the platform has of this run so far (container ids, upload sessions, publish ids). */
  progress: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Set right before a call that may publish, cleared when its outcome is recorded. */
  pendingCommit: z.object({ attempt: z.number().int(), at: timestamp }).nullable().optional(),
  /** The platform is processing the post; later tasks check on it. */
  waiting: z.object({ since: timestamp, checks: z.number().int(), reason: z.string() }).nullable().optional(),
  /** A non-fatal account issue the submission carried when the run was created. */
  warning: accountIssueSchema.nullable().optional(),
});
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

/** A converter that validates with `schema` on read and writes the record as is. */
export function converter<T extends DocumentData>(schema: z.ZodType<T>, what: string): FirestoreDataConverter<T> {
  return {
    toFirestore: (record) => record,
    fromFirestore: (snap: QueryDocumentSnapshot) => {
      const parsed = schema.safeParse(snap.data());
      if (!parsed.success) {
        throw new AppError(
          "internal_error",
          `Malformed ${what} document ${snap.ref.path}`,
          {},
          { cause: parsed.error },
        );
      }
      return parsed.data;
    },
  };
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
