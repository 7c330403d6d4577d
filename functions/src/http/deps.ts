import type { RateLimitConfig } from "../domain/rate-limit";
import type { ApiKeyStore } from "../store/api-key-store";
import type { ApiRequestStore } from "../store/api-request-store";
import type { PostLifecycleStore } from "../store/post-lifecycle-store";
import type { PostListStore } from "../store/post-list-store";
import type { RateLimitStore } from "../store/rate-limit-store";
import type { SubmissionStore } from "../store/submission-store";
import type { UserStore } from "../store/user-store";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";

/** Everything the HTTP layer talks to; built lazily in config/runtime.ts, faked nowhere. */
export interface AppDeps {
  apiKeys: ApiKeyStore;
  users: UserStore;
  submissions: SubmissionStore;
  postList: PostListStore;
  lifecycle: PostLifecycleStore;
  apiRequests: ApiRequestStore;
  rateLimits: { store: RateLimitStore; config: () => RateLimitConfig };
  enqueuer: TaskEnqueuer;
  /** The uid of a valid Firebase ID token; rejects otherwise. */
  verifyIdToken: (idToken: string) => Promise<string>;
  clock: () => Date;
  newId: () => string;
}

export type DepsProvider = () => AppDeps;
