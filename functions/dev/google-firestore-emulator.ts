import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { freePort, killGroupWithParent, stopProcessGroup } from "./processes";

/**
 * Google's Firestore emulator (Java), the one that evaluates firestore.rules. firebase-tools will
 * not start it below Java 21, so it is found and started here directly: the Cloud SDK's
 * `cloud-firestore-emulator` component (runs on Java 11+), or the jar firebase-tools downloads to
 * its cache (Java 21+).
 */

export interface JavaRuntime {
  bin: string;
  major: number;
}

export interface EmulatorJar {
  source: "Cloud SDK" | "firebase-tools";
  jar: string;
  minJava: number;
}

export type Discovery = { found: true; java: JavaRuntime; jar: EmulatorJar } | { found: false; missing: string };

/** The SDK component's jar has no Main-Class; its launcher script names this one. */
const MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";
const SDK_JAR = path.join("platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
const FIREBASE_JAR = /^cloud-firestore-emulator-v(\d+)\.(\d+)\.(\d+)\.jar$/;

/** The major version in `java -version`'s output: `"17.0.15"` → 17, `"1.8.0_392"` → 8. */
export function parseJavaMajor(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** The first jar (in preference order) that `java` can run, or one line naming what is missing. */
export function chooseEmulator(java: JavaRuntime | null, jars: EmulatorJar[]): Discovery {
  const runnable = java ? jars.find((jar) => java.major >= jar.minJava) : undefined;
  if (java && runnable) return { found: true, java, jar: runnable };
  const missing: string[] = [];
  if (!java) missing.push("no Java ($JAVA, $JAVA_HOME/bin/java or java on PATH)");
  if (jars.length === 0) {
    missing.push(
      "no Firestore emulator (neither the Cloud SDK component, `gcloud components install cloud-firestore-emulator`, " +
        "nor firebase-tools' cloud-firestore-emulator-*.jar in ~/.cache/firebase/emulators)",
    );
  } else if (java) {
    for (const jar of jars) {
      const whose = jar.source === "Cloud SDK" ? "the Cloud SDK's" : "firebase-tools'";
      missing.push(`${whose} emulator needs Java ${jar.minJava}+, found Java ${java.major}`);
    }
  }
  return { found: false, missing: missing.join("; ") };
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function findJava(env: NodeJS.ProcessEnv): JavaRuntime | null {
  // $JAVA is what the SDK's own launcher script honours.
  const candidates = [env.JAVA, env.JAVA_HOME && path.join(env.JAVA_HOME, "bin", "java"), "java"];
  for (const bin of candidates) {
    if (!bin) continue;
    const probe = spawnSync(bin, ["-version"], { encoding: "utf8", timeout: 15_000, env });
    const major = probe.error ? null : parseJavaMajor(`${probe.stderr}${probe.stdout}`);
    if (major !== null) return { bin, major };
  }
  return null;
}

function cloudSdkRoots(env: NodeJS.ProcessEnv): string[] {
  const roots: string[] = [];
  if (env.CLOUDSDK_ROOT_DIR) roots.push(env.CLOUDSDK_ROOT_DIR);
  const gcloud = onPath("gcloud", env);
  // <root>/bin/gcloud, usually reached through a symlink (/usr/bin/gcloud, Homebrew's).
  if (gcloud) roots.push(path.dirname(path.dirname(realpathSync(gcloud))));
  roots.push("/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", path.join(homedir(), "google-cloud-sdk"));
  return roots;
}

function sdkRootFromGcloud(env: NodeJS.ProcessEnv): string | null {
  // Slow (it starts Python), so only asked when the usual places lack the component.
  if (!onPath("gcloud", env)) return null;
  const info = spawnSync("gcloud", ["info", "--format=value(installation.sdk_root)"], {
    encoding: "utf8",
    timeout: 30_000,
    env,
  });
  return info.status === 0 && info.stdout.trim() ? info.stdout.trim() : null;
}

function findJars(env: NodeJS.ProcessEnv): EmulatorJar[] {
  const jars: EmulatorJar[] = [];
  let sdkJar = cloudSdkRoots(env)
    .map((root) => path.join(root, SDK_JAR))
    .find((jar) => existsSync(jar));
  if (!sdkJar) {
    const root = sdkRootFromGcloud(env);
    if (root && existsSync(path.join(root, SDK_JAR))) sdkJar = path.join(root, SDK_JAR);
  }
  if (sdkJar) jars.push({ source: "Cloud SDK", jar: sdkJar, minJava: 11 });
  // Where firebase-tools downloads its emulators (FIREBASE_EMULATORS_PATH overrides it there too).
  const cache = env.FIREBASE_EMULATORS_PATH || path.join(homedir(), ".cache", "firebase", "emulators");
  const version = (name: string) => (FIREBASE_JAR.exec(name) ?? []).slice(1).map(Number);
  const newestFirst = (existsSync(cache) ? readdirSync(cache) : [])
    .filter((name) => FIREBASE_JAR.test(name))
    .sort((a, b) => {
      const [va, vb] = [version(a), version(b)];
      const i = va.findIndex((part, k) => part !== vb[k]);
      return i < 0 ? 0 : vb[i]! - va[i]!;
    });
  for (const name of newestFirst) jars.push({ source: "firebase-tools", jar: path.join(cache, name), minJava: 21 });
  return jars;
}

export function findGoogleFirestoreEmulator(env: NodeJS.ProcessEnv = process.env): Discovery {
  const jars = findJars(env);
  // Java is only probed when there is something for it to run.
  return chooseEmulator(jars.length > 0 ? findJava(env) : null, jars);
}

export interface RunningGoogleFirestore {
  /** host:port, the value for FIRESTORE_EMULATOR_HOST. */
  host: string;
  port: number;
  stop(): Promise<void>;
}

function jvmArgs(jar: EmulatorJar, host: string, port: number): string[] {
  const launch = jar.source === "Cloud SDK" ? ["-cp", jar.jar, MAIN_CLASS, "start"] : ["-jar", jar.jar];
  // English messages, as both launchers (gcloud's script, firebase-tools) ask. A short-lived
  // emulator spends its life warming up: the client compiler alone (C1) and the serial collector
  // cut a rules run by about a quarter on two cores.
  const jvm = ["-Duser.language=en", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];
  return [...jvm, ...launch, "--host", host, "--port", String(port)];
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Starts the emulator on a free port and resolves once it answers. Its process group is stopped by
 * `stop()`, and by a watchdog if this process ends first (even killed), so no JVM outlives it.
 */
export async function startGoogleFirestoreEmulator(
  found: { java: JavaRuntime; jar: EmulatorJar },
  options: { host?: string; timeoutMs?: number } = {},
): Promise<RunningGoogleFirestore> {
  const host = options.host ?? "127.0.0.1";
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await startOnce(found, host, await freePort(host), deadline);
    if ("running" in outcome) return outcome.running;
    // The free port can be taken between the probe and the JVM's bind: try another.
    if (!outcome.exited || attempt === 3) throw new Error(outcome.error);
  }
}

async function startOnce(
  found: { java: JavaRuntime; jar: EmulatorJar },
  host: string,
  port: number,
  deadline: number,
): Promise<{ running: RunningGoogleFirestore } | { error: string; exited: boolean }> {
  const child = spawn(found.java.bin, jvmArgs(found.jar, host, port), {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const dismissWatchdog = killGroupWithParent(child);
  // Kept for an error message only: the emulator logs a stack trace for every refused request.
  let tail = "";
  // It prints its endpoint once bound, so an answer on the port is known to be this JVM's.
  let bound = false;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4_000);
    bound ||= tail.includes(`${host}:${port}`);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const failed: { error?: Error } = {};
  child.once("error", (error) => {
    failed.error = error; // java could not be run at all
  });
  const stop = async () => {
    await stopProcessGroup(child, 5_000);
    dismissWatchdog();
  };

  for (;;) {
    if (bound && (await answers(`http://${host}:${port}/`)))
      return { running: { host: `${host}:${port}`, port, stop } };
    const ended = child.exitCode ?? child.signalCode;
    if (failed.error || ended !== null || Date.now() > deadline) {
      await stop();
      const why = failed.error ? String(failed.error) : ended !== null ? `it exited (${ended})` : "timed out";
      const error = `Google's Firestore emulator (${found.jar.jar}) did not start on ${host}:${port}: ${why}\n${tail}`;
      return { error, exited: !failed.error && ended !== null };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
