/**
 * `tsx dev/with-google-firestore.ts [--label <what>] -- <command> [args…]`: runs the command with
 * FIRESTORE_EMULATOR_HOST pointing at Google's Firestore emulator, started for it on a free port and
 * stopped when it ends, however it ends (exit, failure, Ctrl-C, SIGTERM). Without Java or the
 * emulator it prints one line naming what is missing and exits 0, skipping the command, unless
 * GOOGLE_FIRESTORE_EMULATOR_REQUIRED=1 (then it fails).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { findGoogleFirestoreEmulator, startGoogleFirestoreEmulator } from "./google-firestore-emulator";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** The shell's convention for "ended by a signal". */
const bySignal = (signal: NodeJS.Signals) => 128 + constants.signals[signal];

function parseArgs(argv: string[]): { label: string; command: string[] } {
  const separator = argv.indexOf("--");
  const options = separator < 0 ? [] : argv.slice(0, separator);
  const command = separator < 0 ? argv : argv.slice(separator + 1);
  const labelAt = options.indexOf("--label");
  const label = labelAt >= 0 ? (options[labelAt + 1] ?? "") : "";
  return { label: label || command.join(" "), command };
}

async function main(): Promise<number> {
  const { label, command } = parseArgs(process.argv.slice(2));
  const [bin, ...args] = command;
  if (!bin) {
    console.error("usage: tsx dev/with-google-firestore.ts [--label <what>] -- <command> [args…]");
    return 2;
  }
  const discovery = findGoogleFirestoreEmulator();
  if (!discovery.found) {
    const required = process.env.GOOGLE_FIRESTORE_EMULATOR_REQUIRED === "1";
    console.log(`${required ? "Cannot run" : "Skipped"} ${label}: ${discovery.missing}`);
    return required ? 1 : 0;
  }

  // Set from signal handlers, so read through an object (not narrowed away by the compiler).
  const stopped: { by: NodeJS.Signals | null } = { by: null };
  const early = (signal: NodeJS.Signals) => {
    stopped.by = signal;
  };
  for (const signal of SIGNALS) process.on(signal, early);
  const startedAt = Date.now();
  const emulator = await startGoogleFirestoreEmulator(discovery);
  const { java, jar } = discovery;
  console.log(
    `Google's Firestore emulator (${jar.source}, Java ${java.major}) on ${emulator.host}, ` +
      `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  try {
    if (stopped.by) return bySignal(stopped.by);
    const child = spawn(bin, args, {
      stdio: "inherit",
      env: { ...process.env, FIRESTORE_EMULATOR_HOST: emulator.host },
    });
    const forward = (signal: NodeJS.Signals) => {
      stopped.by = signal;
      // A terminal's Ctrl-C reached the command already; a signal sent to this process alone did not.
      child.kill(signal);
    };
    for (const signal of SIGNALS) {
      process.off(signal, early);
      process.on(signal, forward);
    }
    const code = await new Promise<number>((resolve) => {
      child.once("error", (error) => {
        console.error(`cannot run ${bin}: ${error.message}`);
        resolve(127);
      });
      child.once("exit", (exitCode, signal) => resolve(exitCode ?? bySignal(signal ?? "SIGKILL")));
    });
    return stopped.by ? bySignal(stopped.by) : code;
  } finally {
    await emulator.stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
