import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Socket } from "node:net";

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
  const signal = (name: NodeJS.Signals | 0) => {
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
  // The leader is gone; what it started (the Functions emulator's workers) must not outlive it.
  for (let i = 0; i < 30 && signal(0); i++) await new Promise((r) => setTimeout(r, 100));
  signal("SIGKILL");
}

/**
 * Ends `child`'s process group (started with `detached: true`) when this process ends, however it
 * ends: exit handlers cannot run on SIGKILL or a crash, so a detached shell waits for EOF on a pipe
 * that only this process holds, then sends SIGTERM (SIGKILL after 5 s). Returns a function that
 * dismisses the watchdog once the child has been stopped the ordinary way.
 */
export function killGroupWithParent(child: ChildProcess): () => void {
  const pgid = child.pid;
  if (!pgid) return () => undefined;
  const script = [
    "read _",
    'kill -TERM "-$0" 2>/dev/null || exit 0',
    'for _ in 1 2 3 4 5 6 7 8 9 10; do sleep 0.5; kill -0 "-$0" 2>/dev/null || exit 0; done',
    'kill -KILL "-$0" 2>/dev/null',
  ].join("\n");
  const watchdog = spawn("/bin/sh", ["-c", script, String(pgid)], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  // Neither the watchdog nor its pipe may keep this process alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return () => {
    watchdog.kill("SIGKILL");
  };
}
