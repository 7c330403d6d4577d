/**
 * Every collection named in src/store/collections.ts, with who may read it from a client and where
 * a user's documents live in it. `satisfies` makes the typecheck fail when collections.ts names a
 * collection this table (and so the rules test) does not cover; the rules test checks it again.
 */
import { COLLECTIONS } from "../../src/store/collections";

type CollectionKey = keyof typeof COLLECTIONS;

export interface Coverage {
  /** owner: the user the document belongs to reads it (the dashboard); server: no client reads it. */
  readers: "owner" | "server";
  /** A document of user `uid`'s in this collection. */
  doc: (uid: string) => string;
  /** The seeded document's fields. Top-level collections carry `userId`, so a query can name its owner. */
  data: (uid: string) => Record<string, unknown>;
}

const owned = (uid: string) => ({ userId: uid });

export const RULES_COVERAGE = {
  users: { readers: "owner", doc: (uid) => `users/${uid}`, data: (uid) => ({ email: `${uid}@example.test` }) },
  subscription: {
    readers: "owner",
    doc: (uid) => `users/${uid}/subscription/current`,
    data: () => ({ status: "active", planId: "pro" }),
  },
  integrations: {
    readers: "owner",
    doc: (uid) => `users/${uid}/integrations/x`,
    data: () => ({ defaultAccountId: "x_main", connectedCount: 1 }),
  },
  accounts: {
    readers: "owner",
    doc: (uid) => `users/${uid}/integrations/x/accounts/x_main`,
    data: () => ({ platform: "x", displayName: "Main", username: "main", status: "active" }),
  },
  apiRequests: {
    readers: "owner",
    doc: (uid) => `users/${uid}/apiRequests/req_1`,
    data: () => ({ method: "POST", path: "/v1/posts", status: 202 }),
  },
  media: {
    readers: "owner",
    doc: (uid) => `users/${uid}/media/m1`,
    data: () => ({ url: "https://media.example.test/m1.jpg", contentType: "image/jpeg" }),
  },
  postSubmissions: {
    readers: "owner",
    doc: (uid) => `postSubmissions/sub_${uid}`,
    data: (uid) => ({ ...owned(uid), status: "queued" }),
  },
  runs: {
    readers: "owner",
    doc: (uid) => `postSubmissions/sub_${uid}/runs/x`,
    // What a dashboard shows of a waiting run (the rules read whole documents, so every field).
    data: () => ({
      status: "queued",
      waiting: {
        reason: "pacing",
        message: "X allows 1 post per account in 15 minutes.",
        until: "2026-11-30T09:15:00Z",
      },
    }),
  },
  idempotencyKeys: {
    readers: "server",
    doc: (uid) => `users/${uid}/idempotencyKeys/h1`,
    data: () => ({ fingerprint: "f", postSubmissionId: "sub" }),
  },
  mediaRequests: { readers: "server", doc: (uid) => `users/${uid}/mediaRequests/k1`, data: () => ({ mediaId: "m1" }) },
  mediaUploads: {
    readers: "server",
    doc: (uid) => `users/${uid}/mediaUploads/u1`,
    data: () => ({ uploadUrl: "https://storage.example.test/upload?upload_id=secret" }),
  },
  apiKeys: {
    readers: "server",
    doc: (uid) => `apiKeys/hash_${uid}`,
    data: (uid) => ({ ...owned(uid), name: "CI", mode: "live" }),
  },
  rateLimits: { readers: "server", doc: (uid) => `rateLimits/key_${uid}`, data: owned },
  hits: { readers: "server", doc: (uid) => `rateLimits/key_${uid}/hits/h1`, data: (uid) => ({ ...owned(uid), at: 1 }) },
  rateCounters: {
    readers: "server",
    doc: (uid) => `rateLimits/key_${uid}/rateCounters/100-s1`,
    data: (uid) => ({ ...owned(uid), bucket: 100, shard: "s1", n: 3 }),
  },
  credentials: {
    readers: "server",
    doc: (uid) => `credentials/cred_${uid}`,
    data: (uid) => ({ ...owned(uid), sealed: { ciphertext: "…" } }),
  },
  accountUsage: { readers: "server", doc: (uid) => `accountUsage/${uid}_x_main`, data: owned },
  publishes: {
    readers: "server",
    doc: (uid) => `accountUsage/${uid}_x_main/publishes/p1`,
    data: (uid) => ({ ...owned(uid), at: 1 }),
  },
  deadLetters: {
    readers: "server",
    doc: (uid) => `deadLetters/dl_${uid}`,
    data: (uid) => ({ ...owned(uid), runId: "x" }),
  },
  oauthStates: {
    readers: "server",
    doc: (uid) => `oauthStates/state_${uid}`,
    data: (uid) => ({ ...owned(uid), codeVerifier: "verifier" }),
  },
  accountSelections: {
    readers: "server",
    doc: (uid) => `accountSelections/sel_${uid}`,
    data: (uid) => ({ ...owned(uid), sealed: { ciphertext: "…" } }),
  },
  pendingConnections: {
    readers: "server",
    doc: (uid) => `pendingConnections/code_${uid}`,
    data: (uid) => ({ ...owned(uid), platform: "linkedin", sealed: { ciphertext: "…" } }),
  },
  mediaRetention: {
    readers: "server",
    doc: (uid) => `mediaRetention/ret_${uid}`,
    data: (uid) => ({ ...owned(uid), kind: "media" }),
  },
  events: {
    readers: "owner",
    doc: (uid) => `users/${uid}/events/evt_1`,
    data: (uid) => ({ ...owned(uid), type: "post.published", livemode: false, data: { postId: "p1" } }),
  },
  // Endpoints hold no secret (those are in webhookSecrets, sealed).
  webhooks: {
    readers: "owner",
    doc: (uid) => `users/${uid}/webhooks/we_1`,
    data: () => ({ url: "https://hooks.example.test/postcast", events: ["*"], enabled: true, livemode: false }),
  },
  templates: {
    readers: "owner",
    doc: (uid) => `users/${uid}/templates/live:quote`,
    data: () => ({ slug: "quote", mode: "live", definition: { slug: "quote", parameters: {}, elements: [] } }),
  },
  webhookDeliveries: {
    readers: "owner",
    doc: (uid) => `users/${uid}/webhookDeliveries/we_1_evt_1_1`,
    data: () => ({ endpointId: "we_1", eventId: "evt_1", statusCode: 500, error: "HTTP 500" }),
  },
  webhookSecrets: {
    readers: "server",
    doc: (uid) => `webhookSecrets/we_${uid}`,
    data: (uid) => ({ ...owned(uid), current: { ciphertext: "…" } }),
  },
} satisfies Record<CollectionKey, Coverage>;

export type CoveredCollection = keyof typeof RULES_COVERAGE;

/** The collection a document path is in, and that collection's path (for list queries). */
export function collectionOf(docPath: string): { id: string; path: string } {
  const segments = docPath.split("/");
  return { id: segments[segments.length - 2]!, path: segments.slice(0, -1).join("/") };
}
