import { PublishError } from "../../../src/domain/publish-error";
import type { SandboxOutcome } from "../../../src/domain/sandbox-outcome";
import { HttpClient } from "../../../src/platforms/http-client";
import type { Progress, PublishContext } from "../../../src/platforms/platform-adapter";
import { SandboxAdapter } from "../../../src/platforms/sandbox/sandbox-adapter";

const adapter = new SandboxAdapter("x");

function ctx(sandboxOutcome: SandboxOutcome, attempt = 1, progress: Progress = {}) {
  const commits: Progress[] = [];
  const unused = () => Promise.reject(new Error("the sandbox must not read credentials or media"));
  const context: PublishContext = {
    run: {
      postSubmissionId: "p1",
      runId: "x",
      platform: "x",
      accountId: "a1",
      userId: "u1",
      mode: "test",
      attempt,
      createdAt: new Date(),
    },
    content: { platform: "x", text: "hi", title: null, mediaType: "text", imageUrls: [], videoUrl: null, options: {} },
    sandboxOutcome,
    progress,
    commitMark: null,
    commit: (p) => {
      commits.push(p);
      Object.assign(progress, p);
      return Promise.resolve();
    },
    save: () => Promise.resolve(),
    auth: { credentials: unused, refreshAfterRejection: unused },
    http: new HttpClient(),
    media: { open: unused },
    clock: () => new Date(),
  };
  return { context, commits };
}

async function failure(outcome: SandboxOutcome, attempt = 1): Promise<{ error: PublishError; commits: number }> {
  const { context, commits } = ctx(outcome, attempt);
  try {
    await adapter.step(context);
  } catch (e) {
    return { error: adapter.classifyError(e), commits: commits.length };
  }
  throw new Error("expected a failure");
}

describe("SandboxAdapter", () => {
  it("commits, then succeeds with a stable sandbox_ id", async () => {
    const first = ctx("succeed");
    const a = await adapter.step(first.context);
    expect(first.commits).toHaveLength(1);
    expect(a).toMatchObject({ kind: "published", platformPostId: expect.stringMatching(/^sandbox_/) });
    const again = await adapter.step(ctx("succeed", 3).context);
    expect(again).toEqual(a);
  });

  it("maps each requested outcome onto the shared taxonomy, committing only where the platform was reached", async () => {
    expect(await failure("fail")).toMatchObject({ error: { code: "rejected", retryable: false }, commits: 0 });
    expect(await failure("auth_expired")).toMatchObject({ error: { code: "auth_expired" }, commits: 0 });
    expect(await failure("rate_limited")).toMatchObject({
      error: { code: "rate_limited", retryable: true, retryAfterSeconds: 2 },
      commits: 0,
    });
    expect(await failure("transient", 2)).toMatchObject({ error: { code: "transient", retryable: true }, commits: 0 });
    expect(await failure("unknown")).toMatchObject({ error: { code: "outcome_unknown" }, commits: 1 });
  });

  it("lets transient succeed on the third attempt and rate_limited on the second", async () => {
    await expect(adapter.step(ctx("transient", 3).context)).resolves.toHaveProperty("kind", "published");
    await expect(adapter.step(ctx("rate_limited", 2).context)).resolves.toHaveProperty("kind", "published");
  });

  it("reconciles: a sent post is found, an unsent one is not, and 'unknown' cannot be decided", async () => {
    await expect(adapter.reconcile(ctx("succeed", 2, { sandbox: "sent" }).context)).resolves.toHaveProperty(
      "kind",
      "published",
    );
    await expect(adapter.reconcile(ctx("succeed", 2).context)).resolves.toEqual({ kind: "not_published" });
    await expect(adapter.reconcile(ctx("unknown", 2, { sandbox: "sent" }).context)).resolves.toMatchObject({
      kind: "undecidable",
      reason: expect.stringContaining("cannot show"),
    });
  });
});
