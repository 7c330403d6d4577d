import type { Platform } from "../domain/platforms";
import { PublishError } from "../domain/publish-error";
import type { PlatformAdapter, PublishResult } from "./platform-adapter";

/**
 * Live-mode adapter for a platform whose API client is not part of this deployment: the run fails
 * at once with a clear, non-retryable error instead of pretending to publish.
 */
export class UnavailableAdapter implements PlatformAdapter {
  constructor(readonly platform: Platform) {}

  validate(): [] {
    return [];
  }

  publish(): Promise<PublishResult> {
    return Promise.reject(this.classifyError(null));
  }

  classifyError(error: unknown): PublishError {
    if (error instanceof PublishError) return error;
    return new PublishError(
      "platform_unavailable",
      `Live publishing to ${this.platform} is not enabled in this deployment; use a sk_test_ key for the sandbox.`,
    );
  }
}
