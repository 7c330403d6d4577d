import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Firestore } from "firebase-admin/firestore";
import { seedTenant, type TenantOptions } from "../../dev/seed";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildAppDeps, buildMediaPreparationDeps, type MediaDepsOptions } from "../../src/config/app-deps";
import { LocalMediaStore } from "../../src/media/local-media-store";
import { DEFAULT_MAX_PIXELS } from "../../src/domain/media-pixels";
import { MediaProber } from "../../src/media/probe";
import { SAFE_FETCH_DEFAULTS } from "../../src/media/safe-fetch";
import { buildPublisherDeps } from "../../src/config/publisher-deps";
import type { Platform } from "../../src/domain/platforms";
import type { PublishCap } from "../../src/domain/publish-caps";
import { idTokenVerifier } from "../../src/config/id-tokens";
import { DEFAULT_RATE_LIMITS } from "../../src/config/rate-limits";
import type { RateLimitConfig } from "../../src/domain/rate-limit";
import { createApp } from "../../src/http/app";
import type { AppDeps } from "../../src/http/deps";
import { HttpClient } from "../../src/platforms/http-client";
import { oauthProvider } from "../../src/platforms/oauth-providers";
import type { PlatformSettings } from "../../src/platforms/platform-settings";
import { defaultAdapterRegistry, type AdapterRegistry } from "../../src/platforms/registry";
import { RunStore } from "../../src/store/run-store";
import { SubmissionStore } from "../../src/store/submission-store";
import { SweepQueries } from "../../src/store/sweep-queries";
import { CredentialStore } from "../../src/store/credential-store";
import { MediaRecordStore } from "../../src/store/media-record-store";
import { MediaUploadStore } from "../../src/store/media-upload-store";
import type { TaskDeps } from "../../src/tasks/deps";
import { taskHandlers } from "../../src/tasks/handlers";
import { dispatch } from "../../src/tasks/dispatch";
import type { WebhookRequestOptions } from "../../src/tasks/webhook-request";
import { EventStore } from "../../src/store/event-store";
import { WebhookStore } from "../../src/store/webhook-store";
import { testDb } from "./firestore";
import { InlineTasks, type Handlers } from "./inline-tasks";
import { TEST_KEYRING } from "./keyring";
import { conformant } from "./openapi-conformance";

/** The API's public URL as the connect flow's tests see it (redirect URIs live under it). */
export const TEST_API_URL = "https://api.postcast.test";

const UNCONFIGURED: PlatformSettings = {
  apiUrl: "http://127.0.0.1:9",
  authUrl: "http://127.0.0.1:9",
  consentUrl: "http://127.0.0.1:9",
  clientId: "",
  clientSecret: () => "",
};

/**
 * The real app, stores and task handlers against the Firestore emulator, with Cloud Tasks replaced
 * by InlineTasks and a clock the test can move.
 */
export class Harness {
  readonly db: Firestore;
  readonly tasks = new InlineTasks();
  offsetMs = 0;
  readonly clock = () => new Date(Date.now() + this.offsetMs);
  adapters: AdapterRegistry = defaultAdapterRegistry();
  /** Per-account posting caps; production's unless a test sets its own. */
  caps: Readonly<Record<Platform, PublishCap | null>> | null = null;
  /** The factor on the platforms' poll intervals (PLATFORM_POLL_SCALE); production's 1 unless set. */
  pollScale = 1;
  readonly submissions: SubmissionStore;
  readonly runs: RunStore;
  readonly webhooks: WebhookStore;
  readonly deps: AppDeps;
  /**
   * The app, reached as from this harness's own client address (a documentation IPv6 address in
   * X-Forwarded-For, which the app trusts for one hop as behind Google's front end) unless a test
   * sends its own: anonymous requests are rate-limited per address, and every harness's requests
   * would otherwise share 127.0.0.1's allowance with every other test file running at the time.
   */
  readonly app: RequestListener;

  /**
   * Media: a temporary directory stands in for Cloud Storage, and fetches may reach 127.0.0.1 (the
   * test media server) — the explicit test setting production cannot turn on. Tests may change
   * the fetch options (timeouts) through `media.fetchOptions`.
   */
  // Under a dot directory, as the local stack's `.postcast/media` is: serving must not trip on it.
  readonly mediaDir = mkdtempSync(path.join(os.tmpdir(), ".postcast-media-"));
  readonly mediaFiles = new LocalMediaStore(this.mediaDir, () => this.publicUrl, this.clock);
  /**
   * The base of the local store's media URLs: TEST_API_URL, until `serve()` puts the app on a
   * port so that fake platforms can fetch Postcast's copies as real ones fetch Cloud Storage's.
   */
  publicUrl = TEST_API_URL;
  private server: Server | null = null;
  /** The pixel limit (MEDIA_MAX_PIXELS); production's unless a test sets its own. */
  maxPixels = DEFAULT_MAX_PIXELS;
  readonly media: MediaDepsOptions = {
    store: this.mediaFiles,
    localFiles: this.mediaFiles,
    prober: new MediaProber({ maxPixels: () => this.maxPixels }),
    fetchOptions: { ...SAFE_FETCH_DEFAULTS, loopbackOrigins: "any" },
    retentionMs: () => 90 * 24 * 3600_000,
    maxPixels: () => this.maxPixels,
  };

  /** Where the connect flow finds each platform; unconfigured unless a test points it at fakes. */
  platformSettings: (platform: Platform) => PlatformSettings = () => UNCONFIGURED;
  returnUrls: string[] = ["https://dashboard.postcast.test/"];

  /** Webhook deliveries may reach the test's receivers on 127.0.0.1 (as media fetches may). */
  webhookRequest: WebhookRequestOptions = { timeoutMs: 15_000, loopbackOrigins: "any" };

  /** Production limits unless a test sets its own (a fuzz test is not a rate-limit test). */
  rateLimits: RateLimitConfig;

  constructor(options: { projectId?: string; rateLimits?: RateLimitConfig } = {}) {
    this.db = testDb(options.projectId);
    this.rateLimits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
    this.runs = new RunStore(this.db);
    this.webhooks = new WebhookStore(this.db, () => TEST_KEYRING);
    this.deps = buildAppDeps(this.db, {
      enqueuer: this.tasks,
      clock: this.clock,
      verifyIdToken: idTokenVerifier({ checkRevoked: true }),
      rateLimitConfig: () => this.rateLimits,
      keyring: () => TEST_KEYRING,
      oauth: {
        provider: (p) => oauthProvider(p, this.platformSettings(p)),
        configured: (p) => this.platformSettings(p).clientId !== "",
        http: new HttpClient({ timeoutMs: 10_000 }),
        apiUrl: () => TEST_API_URL,
        callbackUrl: (p) => `${TEST_API_URL}/oauth/${p}/callback`,
        returnUrls: () => this.returnUrls,
      },
      media: this.media,
      webhookRequest: () => this.webhookRequest,
    });
    this.submissions = this.deps.submissions;
    const app = createApp(() => this.deps);
    const address = `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`;
    // Every answer is checked against openapi.json (test/setup/openapi-conformance.ts fails the test).
    this.app = conformant((req, res) => {
      req.headers["x-forwarded-for"] ??= address;
      app(req, res);
    });
  }

  /**
   * The task and scheduled functions' handlers as index.ts wires them, over this harness's
   * stores, clock, adapters, caps and media. Built anew for each call, so a test's changes to
   * those apply from the next drain or sweep.
   */
  private wired() {
    const publisher = buildPublisherDeps(this.db, {
      enqueuer: this.tasks,
      clock: this.clock,
      adapters: this.adapters,
      oauthProvider: (p) => oauthProvider(p, this.platformSettings(p)),
      keyring: () => TEST_KEYRING,
      mediaStore: () => this.mediaFiles,
      ...(this.caps ? { caps: this.caps } : {}),
      pollScale: () => this.pollScale,
    });
    const orchestrator = {
      submissions: this.submissions,
      enqueuer: this.tasks,
      clock: this.clock,
      sleep: () => Promise.resolve(),
      media: buildMediaPreparationDeps(this.db, this.media, this.clock),
    };
    const deps: TaskDeps = {
      orchestrator: () => orchestrator,
      publisher: () => publisher,
      sweeper: () => ({
        submissions: this.submissions,
        runs: this.runs,
        queries: new SweepQueries(this.db),
        events: new EventStore(this.db),
        enqueuer: this.tasks,
        clock: this.clock,
      }),
      tokenHealth: () => ({
        credentials: new CredentialStore(this.db, () => TEST_KEYRING, this.clock),
        standing: this.deps.standing,
        adapters: this.adapters,
        oauthProvider: (p) => this.deps.oauth.provider(p),
        http: new HttpClient({ timeoutMs: 10_000 }),
        clock: this.clock,
      }),
      mediaRetention: () => ({
        records: new MediaRecordStore(this.db),
        uploads: new MediaUploadStore(this.db),
        store: this.mediaFiles,
        pendingPostsUsing: (userId, mediaId) => this.submissions.pendingUsingMedia(userId, mediaId),
        clock: this.clock,
      }),
      webhooks: () => ({
        events: new EventStore(this.db, (events) => dispatch(this.tasks).relayEvents(events)),
        webhooks: this.webhooks,
        enqueuer: this.tasks,
        clock: this.clock,
        request: this.webhookRequest,
      }),
    };
    return taskHandlers(deps);
  }

  handlers(): Handlers {
    return { ...this.wired().tasks };
  }

  /** Runs every due task (and the retries they cause) to completion. */
  drain(options: { ignoreSchedule?: boolean } = {}) {
    return this.tasks.drain(this.handlers(), { now: this.clock, ...options });
  }

  sweep() {
    return this.wired().scheduled.sweepSubmissions();
  }

  /** The token-health job (renewTokens) over this harness's credentials, adapters and clock. */
  renewTokens() {
    return this.wired().scheduled.renewTokens();
  }

  /** A fresh tenant with its own uid, so tests can share one emulator in parallel. */
  async tenant(options: Partial<TenantOptions> = {}) {
    const uid = options.uid ?? `u_${randomUUID()}`;
    const seeded = await seedTenant(this.db, { ...options, uid });
    return { uid, key: seeded.keys[0] as string, keys: seeded.keys };
  }

  /** Closes the Firestore client so Jest can exit. */
  async serve(): Promise<string> {
    const server = createServer(this.app).listen(0, "127.0.0.1");
    await once(server, "listening");
    this.server = server;
    this.publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.publicUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await this.db.terminate();
  }

  /** How many submissions a user has (an aggregation: cheap however many there are). */
  async countSubmissions(uid: string): Promise<number> {
    const snap = await this.db.collection("postSubmissions").where("userId", "==", uid).count().get();
    return snap.data().count;
  }

  async submissionsOf(uid: string) {
    const snap = await this.db.collection("postSubmissions").where("userId", "==", uid).get();
    return snap.docs;
  }
}
