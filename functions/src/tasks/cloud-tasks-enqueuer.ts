import type { CloudTasksClient } from "@google-cloud/tasks";
import type { EnqueueOptions, EnqueueResult, TaskEnqueuer } from "./task-enqueuer";
import type { TaskFunctionName } from "./task-types";

export interface CloudTasksEnqueuerOptions {
  projectId: string;
  location: string;
  /** CLOUD_TASKS_EMULATOR_HOST (e.g. 127.0.0.1:9499): talk to firebase-tools' Cloud Tasks emulator. */
  emulatorHost?: string;
  /** Whose OIDC token Cloud Tasks presents to the function; default: the runtime's service account. */
  serviceAccountEmail?: string;
  /** The URL a task calls; default: the function's cloudfunctions.net URL, as firebase-admin uses. */
  functionUrl?: (fn: TaskFunctionName) => string;
  /** Upper bound for one delivery; publishers may wait on slow uploads. */
  dispatchDeadlineSeconds?: number;
}

const ALREADY_EXISTS = 6;
const METADATA_EMAIL_URL = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/email";

/**
 * Enqueues tasks for the task functions with @google-cloud/tasks. The client is loaded on first
 * use, so an `api` instance that never enqueues never pays for gRPC at cold start. Each task
 * function has a queue named after it (as `firebase deploy` creates them).
 */
export class CloudTasksEnqueuer implements TaskEnqueuer {
  private client?: Promise<CloudTasksClient>;
  private serviceAccount?: Promise<string>;

  constructor(private readonly options: CloudTasksEnqueuerOptions) {}

  async enqueue(fn: TaskFunctionName, payload: object, options: EnqueueOptions): Promise<EnqueueResult> {
    const { projectId, location } = this.options;
    const queue = `projects/${projectId}/locations/${location}/queues/${fn}`;
    const name = `${queue}/tasks/${options.taskId}`;
    const body = Buffer.from(JSON.stringify({ data: payload })).toString("base64");
    if (this.options.emulatorHost) return this.enqueueOnEmulator(queue, name, body, options.scheduleTime);

    const client = await (this.client ??= loadClient());
    const url = this.options.functionUrl?.(fn) ?? `https://${location}-${projectId}.cloudfunctions.net/${fn}`;
    const at = options.scheduleTime?.getTime();
    try {
      await client.createTask({
        parent: queue,
        task: {
          name,
          ...(at !== undefined ? { scheduleTime: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1e6 } } : {}),
          dispatchDeadline: { seconds: this.options.dispatchDeadlineSeconds ?? 600 },
          httpRequest: {
            httpMethod: "POST",
            url,
            headers: { "Content-Type": "application/json" },
            body,
            oidcToken: { serviceAccountEmail: await this.serviceAccountEmail(), audience: url },
          },
        },
      });
      return "enqueued";
    } catch (error) {
      if ((error as { code?: unknown }).code === ALREADY_EXISTS) return "exists";
      throw error;
    }
  }

  /**
   * The emulator serves Cloud Tasks' REST resource paths without the `/v2` prefix that the client
   * library's REST transport adds, and no gRPC at all, so the client library cannot reach it;
   * this speaks the same request shape firebase-admin sends it.
   */
  private async enqueueOnEmulator(
    queue: string,
    name: string,
    body: string,
    scheduleTime?: Date,
  ): Promise<EnqueueResult> {
    const res = await fetch(`http://${this.options.emulatorHost}/${queue}/tasks`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        task: {
          name,
          ...(scheduleTime ? { scheduleTime: scheduleTime.toISOString() } : {}),
          httpRequest: { url: "", httpMethod: "POST", headers: { "Content-Type": "application/json" }, body },
        },
      }),
    });
    if (res.status === 409) return "exists";
    if (!res.ok) throw new Error(`Cloud Tasks emulator answered ${res.status}: ${await res.text()}`);
    return "enqueued";
  }

  private serviceAccountEmail(): Promise<string> {
    if (this.options.serviceAccountEmail) return Promise.resolve(this.options.serviceAccountEmail);
    return (this.serviceAccount ??= fetch(METADATA_EMAIL_URL, { headers: { "Metadata-Flavor": "Google" } }).then(
      async (res) => {
        if (!res.ok) throw new Error(`metadata server answered ${res.status} for the service account`);
        return (await res.text()).trim();
      },
    ));
  }
}

async function loadClient(): Promise<CloudTasksClient> {
  const { CloudTasksClient } = await import("@google-cloud/tasks");
  return new CloudTasksClient();
}
