import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIREBASE_BIN, LOCAL } from "./local-config";
import { freePort, stopProcessGroup } from "./processes";

export interface RunningAuthEmulator {
  host: string;
  stop: () => Promise<void>;
}

/**
 * firebase-tools' own Auth emulator (pure Node) on a free port, for tests that verify real ID
 * tokens. A throwaway firebase.json names the port, so a running local stack is never disturbed.
 */
export async function startAuthEmulator(): Promise<RunningAuthEmulator> {
  // The hub and logging emulators start with any emulator: free ports for them too, so a local
  // stack (or the e2e test's) can run at the same time.
  const [port, hub, logging] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), "postcast-auth-"));
  const config = path.join(dir, "firebase.json");
  writeFileSync(
    config,
    JSON.stringify({
      emulators: {
        auth: { host: "127.0.0.1", port },
        hub: { host: "127.0.0.1", port: hub },
        logging: { host: "127.0.0.1", port: logging },
        ui: { enabled: false },
      },
    }),
  );
  const child = spawn(
    FIREBASE_BIN,
    ["emulators:start", "--only", "auth", "--project", LOCAL.projectId, "--config", config],
    {
      cwd: dir,
      detached: true,
      stdio: "ignore",
      env: { ...process.env, FIRESTORE_EMULATOR_HOST: "" },
    },
  );
  const host = `127.0.0.1:${port}`;
  const stop = () => stopProcessGroup(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Auth emulator exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://${host}/emulator/v1/projects/${LOCAL.projectId}/config`);
      if (res.ok) return { host, stop };
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error("Auth emulator did not start within 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
