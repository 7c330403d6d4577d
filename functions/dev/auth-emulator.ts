import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIREBASE_BIN, LOCAL } from "./local-config";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

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
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, "SIGINT");
    } catch {
      return;
    }
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
        resolve();
      }, 10_000);
      child.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
    });
  };
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
