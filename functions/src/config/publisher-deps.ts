import type { Firestore } from "firebase-admin/firestore";
import type { Keyring } from "../domain/credentials";
import type { Platform } from "../domain/platforms";
import type { PublishCap } from "../domain/publish-caps";
import { HttpClient } from "../platforms/http-client";
import type { MediaStore } from "../media/media-store";
import { storedPostMedia } from "../media/stored-post-media";
import type { OAuthProvider } from "../platforms/oauth-provider";
import type { AdapterRegistry } from "../platforms/registry";
import { AccountStanding } from "../store/account-standing";
import { AccountStore } from "../store/account-store";
import { SubmissionStore } from "../store/submission-store";
import { AccountUsageStore } from "../store/account-usage-store";
import { CredentialStore } from "../store/credential-store";
import { MediaRecordStore } from "../store/media-record-store";
import { RunStore } from "../store/run-store";
import type { PublisherDeps } from "../tasks/deps";
import { dispatch } from "../tasks/dispatch";
import type { EventRef } from "../store/event-store";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";

/** Platform calls time out after this long; a publish call that times out is reconciled, never repeated blindly. */
const PLATFORM_TIMEOUT_MS = 60_000;

/** The publishers' dependencies, the same for the deployed functions and the tests. */
export function buildPublisherDeps(
  db: Firestore,
  options: {
    enqueuer: TaskEnqueuer;
    clock: () => Date;
    adapters: AdapterRegistry;
    /** Each platform's OAuth (revocation of a refresh that lost to a disconnect). */
    oauthProvider: (platform: Platform) => OAuthProvider;
    keyring: () => Keyring;
    /** Where the posts' media are stored (read late: the bucket is a param). */
    mediaStore: () => MediaStore;
    http?: HttpClient;
    caps?: Readonly<Record<Platform, PublishCap | null>>;
    /** The factor on the platforms' poll intervals (1: as each platform advises). */
    pollScale?: () => number;
  },
): PublisherDeps {
  const http = options.http ?? new HttpClient({ timeoutMs: PLATFORM_TIMEOUT_MS });
  const records = new MediaRecordStore(db);
  const relay = (events: readonly EventRef[]) => dispatch(options.enqueuer).relayEvents(events);
  return {
    runs: new RunStore(db, relay),
    adapters: options.adapters,
    enqueuer: options.enqueuer,
    clock: options.clock,
    credentials: new CredentialStore(db, options.keyring, options.clock),
    accounts: new AccountStanding(
      new AccountStore(db, options.clock, relay),
      new SubmissionStore(db, relay),
      options.clock,
    ),
    usage: new AccountUsageStore(db),
    http,
    oauthProvider: options.oauthProvider,
    media: (owner) => storedPostMedia({ records, store: options.mediaStore() }, owner),
    ...(options.caps ? { caps: options.caps } : {}),
    ...(options.pollScale ? { pollScale: options.pollScale } : {}),
  };
}
