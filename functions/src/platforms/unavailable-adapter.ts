import type { Platform } from "../domain/platforms";
import { PublishError } from "../domain/publish-error";
import type { PlatformAdapter, Reconciliation, StepResult } from "./platform-adapter";

/**
 * Live-mode adapter for a platform that is not configured in this deployment (no API base URL or
 * app credentials): the run fails at once with a clear, non-retryable error instead of pretending.
 */
export class UnavailableAdapter implements PlatformAdapter {
  constructor(readonly platform: Platform) {}

  step(): Promise<StepResult> {
    return Promise.reject(this.classifyError(null));
  }

  reconcile(): Promise<Reconciliation> {
    return Promise.resolve({ kind: "not_published" });
  }

  refresh(): Promise<null> {
    return Promise.resolve(null);
  }

  classifyError(error: unknown): PublishError {
    if (error instanceof PublishError) return error;
    return new PublishError(
      "platform_unavailable",
      `Live publishing to ${this.platform} is not configured in this deployment; use a sk_test_ key for the sandbox.`,
    );
  }
}
