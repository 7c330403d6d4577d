import type { Platform } from "../domain/platforms";
import type { AppDeps } from "../http/deps";
import { HttpClient } from "../platforms/http-client";
import { liveAdapters } from "../platforms/live-adapters";
import { oauthProvider } from "../platforms/oauth-providers";
import { defaultAdapterRegistry } from "../platforms/registry";
import { getDb } from "../store/firestore";
import { AccountStanding } from "../store/account-standing";
import { AccountStore } from "../store/account-store";
import { CredentialStore } from "../store/credential-store";
import { RunStore } from "../store/run-store";
import { SubmissionStore } from "../store/submission-store";
import { SweepQueries } from "../store/sweep-queries";
import { CloudTasksEnqueuer } from "../tasks/cloud-tasks-enqueuer";
import type { OrchestratorDeps } from "../tasks/orchestrator";
import type { PublisherDeps } from "../tasks/deps";
import type { SweeperDeps } from "../tasks/sweeper";
import type { TokenHealthDeps } from "../tasks/token-health";
import type { MediaRetentionDeps } from "../tasks/media-retention";
import { MediaRecordStore } from "../store/media-record-store";
import { MediaUploadStore } from "../store/media-upload-store";
import { dispatch } from "../tasks/dispatch";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";
import type { WebhookDeps } from "../tasks/webhooks";
import { EventStore, type EventRef } from "../store/event-store";
import { WebhookStore } from "../store/webhook-store";
import { webhookRequestOptions } from "./webhook-settings";
import { buildAppDeps, buildMediaPreparationDeps } from "./app-deps";
import { apiPublicUrl, connectReturnUrls, oauthCallbackUrl } from "./connect-settings";
import { credentialsKeyring } from "./credentials-key";
import { mediaSettings, mediaStore } from "./media-settings";
import { platformPollScale, platformSettings } from "./platform-settings";
import { buildPublisherDeps } from "./publisher-deps";
import { idTokenVerifier } from "./id-tokens";
import { REGION, tasksServiceAccount, trustedProxyHops } from "./params";
import { rateLimitConfig } from "./rate-limits";
import { projectId } from "./project";

/**
 * Dependencies are built on first use, never at import: a cold start pays only for what the
 * invoked function touches, and params are read when the runtime has them.
 */
function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

function requiredProjectId(): string {
  const id = projectId();
  if (!id) throw new Error("GCLOUD_PROJECT is not set");
  return id;
}

export const enqueuer = lazy<TaskEnqueuer>(
  () =>
    new CloudTasksEnqueuer({
      projectId: requiredProjectId(),
      location: REGION,
      emulatorHost: process.env.CLOUD_TASKS_EMULATOR_HOST,
      serviceAccountEmail: tasksServiceAccount.value() || undefined,
    }),
);

const clock = () => new Date();
const platformOAuth = (platform: Platform) => oauthProvider(platform, platformSettings(platform));
/** A connect callback waits on the platform while the user watches: fail fast rather than hang. */
const OAUTH_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const appDeps = lazy<AppDeps>(() =>
  buildAppDeps(getDb(), {
    enqueuer: enqueuer(),
    clock,
    verifyIdToken: idTokenVerifier({ checkRevoked: true }),
    rateLimitConfig: lazy(() => rateLimitConfig()),
    keyring: credentialsKeyring,
    oauth: {
      provider: platformOAuth,
      configured: (platform) => platformSettings(platform).clientId !== "",
      http: new HttpClient({ timeoutMs: OAUTH_TIMEOUT_MS }),
      apiUrl: apiPublicUrl,
      callbackUrl: oauthCallbackUrl,
      returnUrls: connectReturnUrls,
    },
    media: mediaSettings(),
    webhookRequest: lazy(webhookRequestOptions),
    trustedProxyHops: () => trustedProxyHops.value(),
  }),
);

export const orchestratorDeps = lazy<OrchestratorDeps>(() => ({
  submissions: new SubmissionStore(getDb(), (events) => dispatch(enqueuer()).relayEvents(events)),
  enqueuer: enqueuer(),
  clock,
  sleep,
  media: buildMediaPreparationDeps(getDb(), mediaSettings(), clock),
}));

export const publisherDeps = lazy<PublisherDeps>(() =>
  buildPublisherDeps(getDb(), {
    enqueuer: enqueuer(),
    clock,
    adapters: defaultAdapterRegistry(liveAdapters(platformSettings)),
    oauthProvider: platformOAuth,
    keyring: credentialsKeyring,
    mediaStore: lazy(mediaStore),
    pollScale: lazy(platformPollScale),
  }),
);

export const sweeperDeps = lazy<SweeperDeps>(() => {
  const db = getDb();
  return {
    submissions: new SubmissionStore(db),
    runs: new RunStore(db),
    queries: new SweepQueries(db),
    events: new EventStore(db),
    enqueuer: enqueuer(),
    clock,
  };
});

export const webhookDeps = lazy<WebhookDeps>(() => {
  const db = getDb();
  const tasks = dispatch(enqueuer());
  return {
    events: new EventStore(db, (events) => tasks.relayEvents(events)),
    webhooks: new WebhookStore(db, credentialsKeyring),
    enqueuer: enqueuer(),
    clock,
    request: webhookRequestOptions(),
  };
});

export const tokenHealthDeps = lazy<TokenHealthDeps>(() => {
  const db = getDb();
  const relay = (events: readonly EventRef[]) => dispatch(enqueuer()).relayEvents(events);
  return {
    credentials: new CredentialStore(db, credentialsKeyring, clock),
    standing: new AccountStanding(new AccountStore(db, clock, relay), new SubmissionStore(db, relay), clock),
    adapters: defaultAdapterRegistry(liveAdapters(platformSettings)),
    oauthProvider: platformOAuth,
    http: new HttpClient({ timeoutMs: OAUTH_TIMEOUT_MS }),
    clock,
  };
});

export const mediaRetentionDeps = lazy<MediaRetentionDeps>(() => {
  const db = getDb();
  const submissions = new SubmissionStore(db);
  return {
    records: new MediaRecordStore(db),
    uploads: new MediaUploadStore(db),
    store: mediaSettings().store,
    pendingPostsUsing: (userId, mediaId) => submissions.pendingUsingMedia(userId, mediaId),
    clock,
  };
});
