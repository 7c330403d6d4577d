/**
 * `npm start` as a terminal runs it: closing the terminal (a SIGHUP to its process group) stops
 * everything the stack started, so the next `npm start` starts; and a start that finds a port
 * held says which, by what, and how to free it.
 */
import { execSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer, type Server } from "node:net";
import { REPO_ROOT } from "../../dev/local-config";
import { MEDIA_PORT } from "../../fakes/serve";
import { busyPorts } from "../../dev/ports";

jest.setTimeout(400_000);

const STACK_PORTS = [5001, 8080, 9099, 9499, 4400, 4500, MEDIA_PORT, 9101, 9108].map((port) => ({ port, what: "" }));

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in a process group of its own, as a terminal's shell runs a foreground job. */
function npmStart(): Started {
  const child = spawn("npm", ["start"], { cwd: REPO_ROOT, detached: true, env: { ...process.env, CI: "" } });
  let text = "";
  child.stdout.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

let running: Started | null = null;
afterEach(async () => {
  // Whatever a failed test left running: its group, and the emulators' own.
  if (running?.child.pid && groupAlive(running.child.pid)) process.kill(-running.child.pid, "SIGTERM");
  await running?.exited;
  running = null;
});

describe("npm start and the terminal it runs in", () => {
  it("stops everything when the terminal closes (SIGHUP to its group), so the next npm start starts", async () => {
    running = npmStart();
    const first = running;
    await until("the banner", () => first.output().includes("Postcast local stack is up."), 240_000, first.output);
    const pgid = first.child.pid ?? 0;
    process.kill(-pgid, "SIGHUP");
    await first.exited;
    // The stack stops what it started, then exits: its whole group is gone, and nothing keeps a
    // port (the emulators, in a group of their own, and their workers included).
    await until(
      "the group to end",
      () => !groupAlive(pgid),
      60_000,
      () => execSync(`ps -o pid,cmd -g ${pgid} || true`).toString(),
    );
    expect(await busyPorts(STACK_PORTS)).toEqual([]);

    running = npmStart();
    const second = running;
    await until(
      "the second banner",
      () => second.output().includes("Postcast local stack is up."),
      240_000,
      second.output,
    );
    expect(second.output()).not.toMatch(/Ports the local stack needs are in use/);
    process.kill(-(second.child.pid ?? 0), "SIGINT");
    await second.exited;
    await until("the second group to end", () => !groupAlive(second.child.pid ?? 0), 60_000, second.output);
    expect(await busyPorts(STACK_PORTS)).toEqual([]);
  });

  it("says which port is held, by what, and how to free it, when something else holds one", async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(MEDIA_PORT, "127.0.0.1", resolve));
    try {
      running = npmStart();
      const code = await running.exited;
      expect(code).not.toBe(0);
      const output = running.output();
      expect(output).toContain("Ports the local stack needs are in use:");
      expect(output).toMatch(new RegExp(`${MEDIA_PORT}\\s+fakes' media server\\s+held by pid ${process.pid}`));
      expect(output).toContain(`kill -TERM`);
      expect(output).toContain("then run npm start again.");
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
