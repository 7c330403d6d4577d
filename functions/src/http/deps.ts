import type { ApiKeyStore } from "../store/api-key-store";
import type { ApiRequestStore } from "../store/api-request-store";
import type { SubmissionStore } from "../store/submission-store";
import type { UserStore } from "../store/user-store";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";

/** Everything the HTTP layer talks to; built lazily in config/runtime.ts, faked nowhere. */
export interface AppDeps {
  apiKeys: ApiKeyStore;
  users: UserStore;
  submissions: SubmissionStore;
  apiRequests: ApiRequestStore;
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  newId: () => string;
}

export type DepsProvider = () => AppDeps;
