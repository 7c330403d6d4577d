import { PublishError } from "../../../src/domain/publish-error";
import type { SandboxOutcome } from "../../../src/domain/sandbox-outcome";
import type { PublishContext } from "../../../src/platforms/platform-adapter";
import { SandboxAdapter } from "../../../src/platforms/sandbox/sandbox-adapter";

const adapter = new SandboxAdapter("x");
const ctx = (sandboxOutcome: SandboxOutcome, attempt = 1): PublishContext => ({
  postSubmissionId: "p1",
  runId: "x",
  platform: "x",
  accountId: "a1",
  userId: "u1",
  mode: "test",
  attempt,
  content: { text: "hi", mediaType: "text", imageUrls: [], videoUrl: null, platform: [] },
  trialReel: false,
  sandboxOutcome,
});

async function failure(outcome: SandboxOutcome, attempt = 1): Promise<PublishError> {
  try {
    await adapter.publish(ctx(outcome, attempt));
  } catch (e) {
    return adapter.classifyError(e);
  }
  throw new Error("expected a failure");
}

describe("SandboxAdapter", () => {
  it("succeeds with a stable sandbox_ id", async () => {
    const a = await adapter.publish(ctx("succeed"));
    expect(a.platformPostId).toMatch(/^sandbox_/);
    expect((await adapter.publish(ctx("succeed", 3))).platformPostId).toBe(a.platformPostId);
  });

  it("maps each requested outcome onto the shared taxonomy", async () => {
    expect(await failure("fail")).toMatchObject({ code: "rejected", retryable: false });
    expect(await failure("auth_expired")).toMatchObject({ code: "auth_expired", retryable: false });
    expect(await failure("unknown")).toMatchObject({ code: "outcome_unknown", retryable: false });
    expect(await failure("rate_limited")).toMatchObject({
      code: "rate_limited",
      retryable: true,
      retryAfterSeconds: 2,
    });
    expect(await failure("transient", 2)).toMatchObject({ code: "transient", retryable: true });
  });

  it("lets transient succeed on the third attempt and rate_limited on the second", async () => {
    await expect(adapter.publish(ctx("transient", 3))).resolves.toHaveProperty("platformPostId");
    await expect(adapter.publish(ctx("rate_limited", 2))).resolves.toHaveProperty("platformPostId");
  });
});
