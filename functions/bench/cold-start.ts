/**
 * Each deployed function's module load time, as a cold start pays it: a fresh Node process requires
 * the built lib/index.js with the env the deploy gives it (functions/.env's params, the project,
 * FUNCTION_TARGET and K_SERVICE naming the function, NODE_ENV=production) and touches the export.
 * Node's own start-up is not in the figure (the clock starts in the process, before the require);
 * the Functions Framework's is not either (it is the same for any code). Samples are taken round
 * robin across the functions, so the machine's load drifts over all of them alike.
 *
 *   npx tsx bench/cold-start.ts [function…]     after `npm run build` (`npm run bench` builds first; section 10)
 *   BENCH_COLD_START_SAMPLES=15           samples per function (9)
 *   BENCH_COLD_START_LIB=/tmp/main/lib    another build's lib/ to time (e.g. main's, for a before/after)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { fmt, percentile } from "./stats";

const LIB = path.resolve(process.env.BENCH_COLD_START_LIB ?? path.join(__dirname, "..", "lib"), "index.js");
const DOTENV = path.join(__dirname, "..", ".env");
const PROJECT = "demo-postcast";
/** The goal for the api (issue 20). */
const API_GOAL_MS = 250;

/** Runs in the child: times the require and the export's first touch, lists what was loaded. */
const PROBE = `
const t0 = performance.now();
const c0 = process.cpuUsage();
const fn = require(process.argv[1])[process.argv[2]];
const c = process.cpuUsage(c0);
const ms = performance.now() - t0;
const cpuMs = (c.user + c.system) / 1000;
if (!fn) throw new Error("no export " + process.argv[2]);
const files = Object.keys(require.cache);
process.stdout.write(JSON.stringify({ ms, cpuMs, modules: files.length }));
`;

interface Sample {
  ms: number;
  /** The process's CPU time over the same span: steadier than the wall clock on a shared machine. */
  cpuMs: number;
  modules: number;
}

/**
 * The env a deployed function's instance has, without this process's (emulator hosts and the like).
 * No target: the wiring alone, what every function pays (FUNCTION_TARGET unset, nothing preloaded).
 */
export function deployEnv(target: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    ...(parseEnv(readFileSync(DOTENV, "utf8")) as Record<string, string>),
    GCLOUD_PROJECT: PROJECT,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    FIREBASE_CONFIG: JSON.stringify({ projectId: PROJECT, storageBucket: `${PROJECT}.appspot.com` }),
  };
  if (target === null) return env;
  return {
    ...env,
    FUNCTION_TARGET: target,
    FUNCTION_SIGNATURE_TYPE: target === "api" ? "http" : "cloudevent",
    K_SERVICE: target.toLowerCase(),
  };
}

/** One cold load of `target` in a fresh process (null: the wiring alone, the api's export touched). */
export function sample(target: string | null, lib = LIB): Sample {
  const env = deployEnv(target);
  const out = execFileSync(process.execPath, ["-e", PROBE, lib, target ?? "api"], { env, encoding: "utf8" });
  return JSON.parse(out) as Sample;
}

/** The exported functions, as the deploy discovers them (no FUNCTION_TARGET). */
export function exportedFunctions(): string[] {
  const out = execFileSync(
    process.execPath,
    ["-e", "process.stdout.write(JSON.stringify(Object.keys(require(process.argv[1]))))", LIB],
    { env: deployEnv(null), encoding: "utf8" },
  );
  return JSON.parse(out) as string[];
}

export function coldStart(
  only: readonly string[] = [],
  samples = Number(process.env.BENCH_COLD_START_SAMPLES ?? 9),
): void {
  if (!existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
  const names = exportedFunctions().filter((name) => only.length === 0 || only.includes(name));
  const WIRING = "(index.ts alone)";
  const figures = new Map<string, Sample[]>([WIRING, ...names].map((n) => [n, []]));
  for (let i = 0; i < samples; i++) {
    for (const name of [WIRING, ...names]) figures.get(name)!.push(sample(name === WIRING ? null : name));
  }
  console.log(`   ${samples} fresh processes per function (require lib/index.js + touch the export), in ms`);
  console.log("   function          | wall: median      p90 |  CPU: median | modules loaded");
  const sorted = (list: number[]) => list.sort((a, b) => a - b);
  for (const [name, list] of figures) {
    const ms = sorted(list.map((s) => s.ms));
    const cpu = sorted(list.map((s) => s.cpuMs));
    const modules = Math.max(...list.map((s) => s.modules));
    const goal = name === "api" ? `  (goal < ${API_GOAL_MS} ms)` : "";
    console.log(
      `   ${name.padEnd(17)} |     ${fmt(percentile(ms, 50))} ${fmt(percentile(ms, 90))} |     ${fmt(percentile(cpu, 50))} | ${String(modules).padStart(14)}${goal}`,
    );
  }
}

if (require.main === module) coldStart(process.argv.slice(2));
