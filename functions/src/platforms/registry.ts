import type { KeyMode } from "../domain/api-key";
import type { Platform } from "../domain/platforms";
import type { PlatformAdapter } from "./platform-adapter";
import { SandboxAdapter } from "./sandbox/sandbox-adapter";
import { UnavailableAdapter } from "./unavailable-adapter";

export interface AdapterRegistry {
  forRun(platform: Platform, mode: KeyMode): PlatformAdapter;
}

/** Test keys always get the sandbox; live keys get the platform's adapter. */
export function defaultAdapterRegistry(
  live: (platform: Platform) => PlatformAdapter | undefined = () => undefined,
): AdapterRegistry {
  return {
    forRun: (platform, mode) =>
      mode === "test" ? new SandboxAdapter(platform) : (live(platform) ?? new UnavailableAdapter(platform)),
  };
}
