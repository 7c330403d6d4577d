import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A port nothing listens on right now (the OS picks it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Stops a child started with `detached: true` and everything it spawned (the firebase CLI starts
 * its emulators as children): SIGINT to the group for a clean shutdown, SIGKILL after `graceMs`.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pid = child.pid;
  if (child.exitCode !== null || !pid) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false; // already gone
    }
  };
  if (!signal("SIGINT")) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      signal("SIGKILL");
      resolve();
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
  });
}
