import type { Platform } from "../domain/platforms";
import type { RateLimitConfig } from "../domain/rate-limit";
import type { HttpClient } from "../platforms/http-client";
import type { OAuthProvider } from "../platforms/oauth-provider";
import type { IngestedMedia } from "../media/ingest";
import type { LocalMediaStore } from "../media/local-media-store";
import type { MediaStore } from "../media/media-store";
import type { JpegCopy } from "../media/jpeg-copy";
import type { MediaRecord, MediaRecordStore } from "../store/media-record-store";
import type { MediaUploadStore } from "../store/media-upload-store";
import type { AccountStanding } from "../store/account-standing";
import type { ApiKeyStore } from "../store/api-key-store";
import type { ApiRequestStore } from "../store/api-request-store";
import type { CredentialStore } from "../store/credential-store";
import type { OAuthStateStore } from "../store/oauth-state-store";
import type { PendingConnectionStore } from "../store/pending-connection-store";
import type { PostLifecycleStore } from "../store/post-lifecycle-store";
import type { PostListStore } from "../store/post-list-store";
import type { RateLimitStore } from "../store/rate-limit-store";
import type { SubmissionStore } from "../store/submission-store";
import type { TemplateStore } from "../store/template-store";
import type { UserStore } from "../store/user-store";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";
import type { WebhookRequestOptions } from "../tasks/webhook-request";
import type { WebhookStore } from "../store/webhook-store";

/** Everything the HTTP layer talks to; built lazily in config/api-runtime.ts, faked nowhere. */
export interface AppDeps {
  apiKeys: ApiKeyStore;
  users: UserStore;
  submissions: SubmissionStore;
  postList: PostListStore;
  lifecycle: PostLifecycleStore;
  apiRequests: ApiRequestStore;
  rateLimits: { store: RateLimitStore; config: () => RateLimitConfig };
  enqueuer: TaskEnqueuer;
  credentials: CredentialStore;
  standing: AccountStanding;
  oauth: OAuthDeps;
  media: MediaDeps;
  /** Users' own templates, and how a template's image parameters are fetched. */
  templates: TemplateDeps;
  /** Webhook endpoints, their secrets and delivery attempts. */
  webhooks: WebhookStore;
  /** Which addresses endpoint URLs may have (checked at registration, and again per delivery). */
  webhookRequest: () => WebhookRequestOptions;
  /** The uid of a valid Firebase ID token; rejects otherwise. */
  verifyIdToken: (idToken: string) => Promise<string>;
  clock: () => Date;
  newId: () => string;
  /** Proxies that append to X-Forwarded-For in front of the api (http/client-address.ts). */
  trustedProxyHops: () => number;
}

export type DepsProvider = () => AppDeps;

/** What the connect flow needs: the platforms' OAuth, where they call back, where users return. */
export interface OAuthDeps {
  states: OAuthStateStore;
  /** What callbacks brought back, until the user who started the flow redeems it. */
  pending: PendingConnectionStore;
  provider: (platform: Platform) => OAuthProvider;
  /** Whether the platform's app is configured (a client id is set). */
  configured: (platform: Platform) => boolean;
  http: HttpClient;
  apiUrl: () => string;
  callbackUrl: (platform: Platform) => string;
  returnUrls: () => string[];
}

/** Media: where files go, how a URL becomes one, and what still needs it. */
export interface MediaDeps {
  records: MediaRecordStore;
  store: MediaStore;
  /** Set on the local stack and in tests: the api function serves the files itself. */
  localFiles: LocalMediaStore | null;
  ingest: (url: string, owner: { userId: string; mediaId: string }) => Promise<IngestedMedia>;
  uploads: MediaUploadStore;
  /** The same for the finished object of an upload session. */
  ingestUpload: (path: string, size: number, owner: { userId: string; mediaId: string }) => Promise<IngestedMedia>;
  /** The same for bytes Postcast made itself (a rendered template). */
  ingestBytes: (bytes: Buffer, owner: { userId: string; mediaId: string }) => Promise<IngestedMedia>;
  retentionMs: () => number;
  /** The media's JPEG copy, made once (media/jpeg-copy.ts). */
  jpegCopy: (userId: string, mediaId: string, media: MediaRecord) => Promise<JpegCopy>;
  /** Submissions not yet published that reference the media. */
  pendingPostsUsing: (userId: string, mediaId: string) => Promise<string[]>;
}

export interface TemplateDeps {
  store: TemplateStore;
  /** An image parameter's URL, fetched with the media safe fetch and its limits. */
  fetchImage: (url: string, param: string) => Promise<Buffer>;
}
