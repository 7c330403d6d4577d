import type { Platform } from "../../../src/domain/platforms";
import { PublishError } from "../../../src/domain/publish-error";
import { LinkedInAdapter } from "../../../src/platforms/linkedin/linkedin-adapter";
import { liveAdapters } from "../../../src/platforms/live-adapters";
import type { PlatformSettings } from "../../../src/platforms/platform-settings";
import { defaultAdapterRegistry } from "../../../src/platforms/registry";
import { SandboxAdapter } from "../../../src/platforms/sandbox/sandbox-adapter";

const settings = (clientId: string): PlatformSettings => ({
  apiUrl: "https://api.example.test",
  authUrl: "https://api.example.test",
  consentUrl: "https://example.test",
  clientId,
  clientSecret: () => "secret",
});

// As production wires it (config/task-runtime.ts): X has no app configured in this deployment, LinkedIn has one.
const registry = defaultAdapterRegistry(liveAdapters((p: Platform) => settings(p === "linkedin" ? "li-app" : "")));

describe("adapter registry", () => {
  it("gives a live run on a platform without a configured app a non-retryable platform_unavailable", async () => {
    const adapter = registry.forRun("x", "live");
    const failure: unknown = await adapter.step({} as never).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ code: "platform_unavailable", retryable: false });
    await expect(adapter.reconcile({} as never)).resolves.toEqual({ kind: "not_published" });
  });

  it("gives a live run on a configured platform its adapter, and test keys the sandbox everywhere", () => {
    expect(registry.forRun("linkedin", "live")).toBeInstanceOf(LinkedInAdapter);
    expect(registry.forRun("linkedin", "live")).toBe(registry.forRun("linkedin", "live"));
    expect(registry.forRun("x", "test")).toBeInstanceOf(SandboxAdapter);
  });
});
