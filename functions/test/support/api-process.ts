import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface ApiProcessInfo {
  url: string;
  /** A sk_test_ key of the seeded tenant (every platform connected). */
  key: string;
  uid: string;
  /** The directory of the child's local media store. */
  mediaDir: string;
}

const TAIL_BYTES = 64 * 1024;

/**
 * The API in a process of its own (test/support/serve-api.ts, run through tsx), driven over HTTP:
 * what proves that no input takes the process down is that it is still running afterwards. Its
 * output is kept (the last 64 KB) to show why, if it ever exits.
 */
export class ApiProcess {
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private tail = "";

  private constructor(
    private readonly child: ChildProcess,
    readonly info: ApiProcessInfo,
  ) {}

  /** `projectId`: the Firestore database the API uses (one of the test's own keeps it apart). */
  static async start(projectId: string): Promise<ApiProcess> {
    const root = path.join(__dirname, "..", "..");
    const child = fork(path.join(__dirname, "serve-api.ts"), [], {
      cwd: root,
      execArgv: ["--import", "tsx"],
      env: { ...process.env, POSTCAST_TEST_PROJECT: projectId },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let early = "";
    const keep = (chunk: Buffer) => (early = (early + chunk.toString()).slice(-TAIL_BYTES));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const info = await new Promise<ApiProcessInfo>((resolve, reject) => {
      child.once("message", (message) => resolve(message as ApiProcessInfo));
      child.once("exit", (code) => reject(new Error(`the API process exited (${code}) before serving:\n${early}`)));
    });
    const api = new ApiProcess(child, info);
    api.tail = early;
    child.stdout!.off("data", keep);
    child.stderr!.off("data", keep);
    const record = (chunk: Buffer) => (api.tail = (api.tail + chunk.toString()).slice(-TAIL_BYTES));
    child.stdout!.on("data", record);
    child.stderr!.on("data", record);
    child.once("exit", (code, signal) => (api.exit = { code, signal }));
    return api;
  }

  /** Whether the process is still running; if not, how it ended and what it printed last. */
  status(): { alive: true } | { alive: false; code: number | null; signal: string | null; output: string } {
    if (!this.exit && this.child.exitCode === null && this.child.signalCode === null) return { alive: true };
    return {
      alive: false,
      code: this.exit?.code ?? this.child.exitCode,
      signal: this.exit?.signal ?? this.child.signalCode,
      output: this.tail,
    };
  }

  async stop(): Promise<void> {
    if (!this.status().alive) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}
