import { sha256Hex } from "../../domain/canonical-json";
import type { Platform } from "../../domain/platforms";
import { PublishError } from "../../domain/publish-error";
import type { PlatformAdapter, PublishContext, PublishResult } from "../platform-adapter";

/** How long a sandbox `rate_limited` outcome asks the publisher to wait. */
export const SANDBOX_RETRY_AFTER_SECONDS = 2;

/**
 * Simulated publishing for sk_test_ keys (contract §6): no platform is called. The outcome is
 * chosen by the request's `sandbox.outcomes`; the ids are derived from the run, so a retried
 * attempt reports the same post.
 */
export class SandboxAdapter implements PlatformAdapter {
  constructor(readonly platform: Platform) {}

  validate(): [] {
    return [];
  }

  publish(ctx: PublishContext): Promise<PublishResult> {
    try {
      return Promise.resolve(this.simulate(ctx));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private simulate(ctx: PublishContext): PublishResult {
    switch (ctx.sandboxOutcome) {
      case "fail":
        throw new PublishError("rejected", "Sandbox: the platform rejected the post (requested outcome 'fail').");
      case "auth_expired":
        throw new PublishError(
          "auth_expired",
          "Sandbox: the account's token was rejected (requested outcome 'auth_expired').",
        );
      case "unknown":
        throw new PublishError(
          "outcome_unknown",
          "Sandbox: the platform's answer was lost after it may have published (requested outcome 'unknown').",
        );
      case "transient":
        if (ctx.attempt <= 2)
          throw new PublishError(
            "transient",
            `Sandbox: temporary platform failure (attempt ${ctx.attempt} of 'transient').`,
          );
        break;
      case "rate_limited":
        if (ctx.attempt <= 1) {
          throw new PublishError(
            "rate_limited",
            "Sandbox: rate limited by the platform (requested outcome 'rate_limited').",
            {
              retryAfterSeconds: SANDBOX_RETRY_AFTER_SECONDS,
            },
          );
        }
        break;
      case "succeed":
        break;
    }
    const postId = `sandbox_${sha256Hex(`${ctx.postSubmissionId}/${ctx.runId}`).slice(0, 20)}`;
    return {
      platformPostId: postId,
      permalink: `https://sandbox.postcast.invalid/${ctx.platform}/${encodeURIComponent(ctx.accountId)}/${postId}`,
    };
  }

  classifyError(error: unknown): PublishError {
    if (error instanceof PublishError) return error;
    return new PublishError("transient", error instanceof Error ? error.message : String(error), { cause: error });
  }
}
