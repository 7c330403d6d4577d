import type { Firestore } from "firebase-admin/firestore";
import { v4 as uuidv4 } from "uuid";
import type { RateLimitConfig } from "../domain/rate-limit";
import type { AppDeps } from "../http/deps";
import { ApiKeyStore } from "../store/api-key-store";
import { ApiRequestStore } from "../store/api-request-store";
import { PostLifecycleStore } from "../store/post-lifecycle-store";
import { PostListStore } from "../store/post-list-store";
import { RateLimitStore } from "../store/rate-limit-store";
import { SubmissionStore } from "../store/submission-store";
import { UserStore } from "../store/user-store";
import type { TaskEnqueuer } from "../tasks/task-enqueuer";

export interface AppDepsOptions {
  enqueuer: TaskEnqueuer;
  clock: () => Date;
  verifyIdToken: (idToken: string) => Promise<string>;
  rateLimitConfig: () => RateLimitConfig;
}

/** The API's stores over one Firestore client; the same wiring in production and in tests. */
export function buildAppDeps(db: Firestore, o: AppDepsOptions): AppDeps {
  const submissions = new SubmissionStore(db);
  return {
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
  };
}
