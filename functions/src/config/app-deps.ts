import type { Firestore } from "firebase-admin/firestore";
import { v4 as uuidv4 } from "uuid";
import type { RateLimitConfig } from "../domain/rate-limit";
import type { Keyring } from "../domain/credentials";
import type { AppDeps, MediaDeps, OAuthDeps } from "../http/deps";
import type { MediaPreparationDeps } from "../tasks/media-preparation";
import { AccountStanding } from "../store/account-standing";
import { AccountStore } from "../store/account-store";
import { CredentialStore } from "../store/credential-store";
import { OAuthStateStore } from "../store/oauth-state-store";
import { PendingConnectionStore } from "../store/pending-connection-store";
import { MediaRecordStore } from "../store/media-record-store";
import { MediaUploadStore } from "../store/media-upload-store";
import { Readable } from "node:stream";
import { ingestStream, ingestUrl } from "../media/ingest";
import { storeJpegCopy } from "../media/jpeg-copy";
import type { LocalMediaStore } from "../media/local-media-store";
import type { MediaStore } from "../media/media-store";
import type { Prober } from "../media/probe";
import type { SafeFetchOptions } from "../media/safe-fetch";
import { ApiKeyStore } from "../store/api-key-store";
import { ApiRequestStore } from "../store/api-request-store";
import { PostLifecycleStore } from "../store/post-lifecycle-store";
import { PostListStore } from "../store/post-list-store";
import { RateLimitStore } from "../store/rate-limit-store";
import { SubmissionStore } from "../store/submission-store";
import { TemplateStore } from "../store/template-store";
import { templateImageFetcher } from "../templates/fetch-image";
import { UserStore } from "../store/user-store";
import { WebhookStore } from "../store/webhook-store";
import type { WebhookRequestOptions } from "../tasks/webhook-request";
import { dispatch } from "../tasks/dispatch";
import type { EventRef } from "../store/event-store";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";

export interface AppDepsOptions {
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  verifyIdToken: (idToken: string) => Promise<string>;
  rateLimitConfig: () => RateLimitConfig;
  keyring: () => Keyring;
  /** The connect flow's platform side; its stores are built here. */
  oauth: Omit<OAuthDeps, "states" | "pending">;
  media: MediaDepsOptions;
  /** Which addresses webhook endpoint URLs may have. */
  webhookRequest: () => WebhookRequestOptions;
  /** Proxies in front of the api that append to X-Forwarded-For; 1 (Google's front end) when absent. */
  trustedProxyHops?: () => number;
}

export interface MediaDepsOptions {
  store: MediaStore;
  localFiles: LocalMediaStore | null;
  prober: Prober;
  fetchOptions: SafeFetchOptions;
  retentionMs: () => number;
  /** The pixel limit (MEDIA_MAX_PIXELS): the prober's, and the JPEG copy's for older files. */
  maxPixels: () => number;
}

/** The API's stores over one Firestore client; the same wiring in production and in tests. */
export function buildAppDeps(db: Firestore, o: AppDepsOptions): AppDeps {
  const tasks = dispatch(o.enqueuer);
  const relay = (events: readonly EventRef[]) => tasks.relayEvents(events);
  const submissions = new SubmissionStore(db, relay);
  const mediaRecords = new MediaRecordStore(db, relay);
  return {
    credentials: new CredentialStore(db, o.keyring, o.clock),
    standing: new AccountStanding(new AccountStore(db, o.clock, relay), submissions, o.clock),
    oauth: {
      ...o.oauth,
      states: new OAuthStateStore(db, o.keyring, o.clock),
      pending: new PendingConnectionStore(db, o.keyring, o.clock),
    },
    media: {
      records: mediaRecords,
      jpegCopy: jpegCopier(mediaRecords, o.media),
      store: o.media.store,
      localFiles: o.media.localFiles,
      ingest: (url, owner) => ingestUrl(url, owner, o.media),
      uploads: new MediaUploadStore(db),
      ingestUpload: (path, size, owner) => ingestStream(o.media.store.read(path), size, owner, o.media),
      ingestBytes: (bytes, owner) => ingestStream(Readable.from([bytes]), bytes.length, owner, o.media),
      retentionMs: o.media.retentionMs,
      pendingPostsUsing: (userId, mediaId) => submissions.pendingUsingMedia(userId, mediaId),
    },
    templates: {
      store: new TemplateStore(db),
      // The pixel limit is read per render (a param, read late).
      fetchImage: (url, param) =>
        templateImageFetcher({ fetchOptions: o.media.fetchOptions, maxPixels: o.media.maxPixels() })(url, param),
    },
    webhooks: new WebhookStore(db, o.keyring),
    webhookRequest: o.webhookRequest,
    apiKeys: new ApiKeyStore(db, o.clock),
    users: new UserStore(db, o.clock),
    submissions,
    postList: new PostListStore(db, submissions),
    lifecycle: new PostLifecycleStore(db, submissions),
    apiRequests: new ApiRequestStore(db),
    rateLimits: { store: new RateLimitStore(db), config: o.rateLimitConfig },
    enqueuer: o.enqueuer,
    verifyIdToken: o.verifyIdToken,
    clock: o.clock,
    newId: () => uuidv4(),
    trustedProxyHops: o.trustedProxyHops ?? (() => 1),
  };
}

/** Makes a media's JPEG copy once: a copy made by a request that lost the race is deleted. */
function jpegCopier(records: MediaRecordStore, o: MediaDepsOptions): MediaDeps["jpegCopy"] {
  const store = o.store;
  return async (userId, mediaId, media) => {
    const made = await storeJpegCopy(store, media, o.maxPixels());
    const kept = await records.setJpeg(userId, mediaId, made);
    if (kept?.path !== made.path) await store.delete(made.path);
    return kept ?? made;
  };
}

/** What the orchestrator needs to rehost a post's external media (tasks/media-preparation.ts). */
export function buildMediaPreparationDeps(
  db: Firestore,
  media: MediaDepsOptions,
  clock: () => Date,
): MediaPreparationDeps {
  const records = new MediaRecordStore(db);
  return {
    records,
    jpegCopy: jpegCopier(records, media),
    ingest: (url, owner) => ingestUrl(url, owner, media),
    discard: (path) => media.store.delete(path),
    retentionMs: media.retentionMs,
    clock,
  };
}
