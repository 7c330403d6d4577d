import { sha256Hex } from "../../domain/canonical-json";
import type { Platform } from "../../domain/platforms";
import { PublishError } from "../../domain/publish-error";
import type { PlatformAdapter, PublishContext, Published, Reconciliation, StepResult } from "../platform-adapter";

/** How long a sandbox `rate_limited` outcome asks the publisher to wait. */
export const SANDBOX_RETRY_AFTER_SECONDS = 2;

/**
 * Simulated publishing for sk_test_ keys (docs/contract.md §6): no platform is called and no credentials
 * are read. It goes through the same commit and reconciliation path as a real adapter: `unknown`
 * commits, then loses the answer, and its reconciliation cannot decide, so the run ends `unknown`.
 */
export class SandboxAdapter implements PlatformAdapter {
  readonly simulated = true;

  constructor(readonly platform: Platform) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    const attempt = ctx.run.attempt;
    switch (ctx.sandboxOutcome) {
      case "fail":
        throw new PublishError("rejected", "Sandbox: the platform rejected the post (requested outcome 'fail').");
      case "auth_expired":
        throw new PublishError(
          "auth_expired",
          "Sandbox: the account's token was rejected (requested outcome 'auth_expired'); with a live key the account would now need reconnecting.",
        );
      case "transient":
        if (attempt <= 2) {
          throw new PublishError(
            "transient",
            `Sandbox: temporary platform failure (attempt ${attempt} of 'transient').`,
          );
        }
        break;
      case "rate_limited":
        if (attempt <= 1) {
          throw new PublishError(
            "rate_limited",
            "Sandbox: rate limited by the platform (requested outcome 'rate_limited').",
            {
              retryAfterSeconds: SANDBOX_RETRY_AFTER_SECONDS,
            },
          );
        }
        break;
      case "unknown":
        await ctx.commit({ sandbox: "sent" });
        throw new PublishError(
          "outcome_unknown",
          "Sandbox: the platform's answer was lost after it may have published (requested outcome 'unknown').",
        );
      case "succeed":
        break;
    }
    await ctx.commit({ sandbox: "sent" });
    return this.published(ctx);
  }

  /** The sandbox "platform" keeps every post it accepted, except for `unknown`, which it cannot tell. */
  reconcile(ctx: PublishContext): Promise<Reconciliation> {
    if (ctx.sandboxOutcome === "unknown") {
      return Promise.resolve({
        kind: "undecidable",
        reason:
          "Sandbox: the platform's answer was lost and its state cannot show whether the post went out (requested outcome 'unknown'). Not retried, so it cannot be posted twice.",
      });
    }
    return Promise.resolve(ctx.progress.sandbox === "sent" ? this.published(ctx) : { kind: "not_published" });
  }

  refresh(): Promise<null> {
    return Promise.resolve(null);
  }

  private published(ctx: PublishContext): Published {
    const postId = `sandbox_${sha256Hex(`${ctx.run.postSubmissionId}/${ctx.run.runId}`).slice(0, 20)}`;
    return {
      kind: "published",
      platformPostId: postId,
      permalink: `https://sandbox.postcast.invalid/${ctx.run.platform}/${encodeURIComponent(ctx.run.accountId)}/${postId}`,
    };
  }

  classifyError(error: unknown): PublishError {
    if (error instanceof PublishError) return error;
    return new PublishError("transient", error instanceof Error ? error.message : String(error), { cause: error });
  }
}
