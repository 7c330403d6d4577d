import type { Owner } from "../domain/owner";
import type { Platform } from "../domain/platforms";
import type { PublishCap } from "../domain/publish-caps";
import type { HttpClient } from "../platforms/http-client";
import type { OAuthProvider } from "../platforms/oauth-provider";
import type { PostMedia } from "../platforms/post-media";
import type { AdapterRegistry } from "../platforms/registry";
import type { AccountStanding } from "../store/account-standing";
import type { AccountUsageStore } from "../store/account-usage-store";
import type { CredentialStore } from "../store/credential-store";
import type { RunStore } from "../store/run-store";
import type { MediaRetentionDeps } from "./media-retention";
import type { OrchestratorDeps } from "./orchestrator";
import type { SweeperDeps } from "./sweeper";
import type { TaskEnqueuer } from "./task-enqueuer";
import type { TokenHealthDeps } from "./token-health";
import type { WebhookDeps } from "./webhooks";

/** What the eight publishers talk to; built by config/publisher-deps.ts for the functions and the tests. */
export interface PublisherDeps {
  runs: RunStore;
  adapters: AdapterRegistry;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  credentials: CredentialStore;
  accounts: AccountStanding;
  usage: AccountUsageStore;
  http: HttpClient;
  /** Each platform's OAuth, to revoke what a refresh obtained after the account was disconnected. */
  oauthProvider: (platform: Platform) => OAuthProvider;
  /** The stored media of a user's post, for the adapters that upload bytes. */
  media: (owner: Owner) => PostMedia;
  caps?: Readonly<Record<Platform, PublishCap | null>>;
  /**
   * Multiplies the platforms' poll intervals (1 in production: what each platform advises). The
   * local stack polls its fakes sooner (config/platform-settings.ts, demo- projects only).
   */
  pollScale?: () => number;
}

/**
 * The dependencies of every task and scheduled function, each built when first asked for: a
 * deployed function's cold start pays only for what it runs (config/task-runtime.ts), and the test
 * harness passes its own.
 */
export interface TaskDeps {
  orchestrator: () => OrchestratorDeps;
  publisher: () => PublisherDeps;
  sweeper: () => SweeperDeps;
  tokenHealth: () => TokenHealthDeps;
  mediaRetention: () => MediaRetentionDeps;
  webhooks: () => WebhookDeps;
}
