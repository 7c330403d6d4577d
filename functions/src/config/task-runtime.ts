import { liveAdapters } from "../platforms/live-adapters";
import { defaultAdapterRegistry } from "../platforms/registry";
import { getDb } from "../store/firestore";
import { AccountStanding } from "../store/account-standing";
import { AccountStore } from "../store/account-store";
import { CredentialStore } from "../store/credential-store";
import { RunStore } from "../store/run-store";
import { SubmissionStore } from "../store/submission-store";
import { SweepQueries } from "../store/sweep-queries";
import { HttpClient } from "../platforms/http-client";
import type { OrchestratorDeps } from "../tasks/orchestrator";
import type { PublisherDeps } from "../tasks/deps";
import type { SweeperDeps } from "../tasks/sweeper";
import type { TokenHealthDeps } from "../tasks/token-health";
import type { MediaRetentionDeps } from "../tasks/media-retention";
import { MediaRecordStore } from "../store/media-record-store";
import { MediaUploadStore } from "../store/media-upload-store";
import { dispatch } from "../tasks/dispatch";
import { taskHandlers } from "../tasks/handlers";
import type { WebhookDeps } from "../tasks/webhooks";
import { EventStore, type EventRef } from "../store/event-store";
import { WebhookStore } from "../store/webhook-store";
import { webhookRequestOptions } from "./webhook-settings";
import { buildMediaPreparationDeps } from "./app-deps";
import { credentialsKeyring } from "./credentials-key";
import { mediaSettings, mediaStore } from "./media-settings";
import { lazy } from "./on-first-use";
import { platformPollScale, platformSettings } from "./platform-settings";
import { buildPublisherDeps } from "./publisher-deps";
import { clock, enqueuer, OAUTH_TIMEOUT_MS, platformOAuth } from "./runtime";

/** The task and scheduled functions' wiring: loaded only by their instances (index.ts). */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

export const handlers = taskHandlers({
  orchestrator: orchestratorDeps,
  publisher: publisherDeps,
  sweeper: sweeperDeps,
  tokenHealth: tokenHealthDeps,
  mediaRetention: mediaRetentionDeps,
  webhooks: webhookDeps,
});
