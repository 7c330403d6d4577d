/**
 * `npm run deploy:check` (offline): what `firebase deploy --non-interactive` would refuse or deploy
 * broken, found before a deploy. It loads the functions' manifest with firebase-tools' own code (the
 * pinned version at the repository root: its Node runtime delegate runs the built functions with
 * FUNCTIONS_CONTROL_API, as a deploy does), loads the dotenv files a deploy loads, and fails on:
 *  - a param without a value (a deploy would prompt, and `--non-interactive` fails);
 *  - a secret the functions bind that the secrets table of docs/operations.md does not document;
 *  - a task queue the code enqueues to that no deployed function defines;
 *  - a dependency patch (functions/patches/) that the deploy would not apply: left out of the upload by
 *    firebase.json's `ignore`, or patch-package not a runtime dependency run by `postinstall`.
 *
 * Usage: npm run deploy:check [-- --project <projectId>] (default: a placeholder production project,
 * so only the committed functions/.env applies; name yours to include functions/.env.<projectId>).
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const FUNCTIONS_DIR = path.resolve(__dirname, "..");
const ROOT = path.resolve(FUNCTIONS_DIR, "..");
const fromRoot = createRequire(path.join(ROOT, "package.json"));

interface Param {
  name: string;
  type: string;
}
interface Endpoint {
  id?: string;
  entryPoint?: string;
  taskQueueTrigger?: unknown;
  secretEnvironmentVariables?: { key: string }[];
}
interface Build {
  params: Param[];
  endpoints: Record<string, Endpoint>;
}

function projectArg(): string {
  const at = process.argv.indexOf("--project");
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : "postcast-production";
}

/** The manifest a deploy computes, by firebase-tools' own discovery. */
async function discover(projectId: string, userEnvs: Record<string, string>): Promise<Build> {
  const runtimes = fromRoot("firebase-tools/lib/deploy/functions/runtimes") as {
    getRuntimeDelegate(context: object): Promise<{ discoverBuild(config: object, env: object): Promise<Build> }>;
  };
  const functionsEnv = fromRoot("firebase-tools/lib/functions/env") as {
    loadFirebaseEnvs(config: object, projectId: string): Record<string, string>;
  };
  const firebaseJson = JSON.parse(readFileSync(path.join(ROOT, "firebase.json"), "utf8")) as {
    functions: { source: string; runtime: string }[];
  };
  const delegate = await runtimes.getRuntimeDelegate({
    projectId,
    sourceDir: FUNCTIONS_DIR,
    projectDir: ROOT,
    runtime: firebaseJson.functions[0]!.runtime,
  });
  const firebaseConfig = { projectId, storageBucket: `${projectId}.firebasestorage.app` };
  return delegate.discoverBuild(
    { firebase: firebaseConfig },
    { ...userEnvs, ...functionsEnv.loadFirebaseEnvs(firebaseConfig, projectId), GOOGLE_CLOUD_QUOTA_PROJECT: projectId },
  );
}

function fitsType(type: string, value: string): boolean {
  if (type === "int") return /^-?\d+$/.test(value.trim());
  if (type === "float") return value.trim() !== "" && Number.isFinite(Number(value));
  if (type === "boolean") return ["true", "false"].includes(value.trim().toLowerCase());
  return true;
}

async function main(): Promise<void> {
  const projectId = projectArg();
  const functionsEnv = fromRoot("firebase-tools/lib/functions/env") as {
    loadUserEnvs(opts: object): Record<string, string>;
  };
  const userEnvs = functionsEnv.loadUserEnvs({ functionsSource: FUNCTIONS_DIR, projectId, projectDir: ROOT });
  const build = await discover(projectId, userEnvs);
  const problems: string[] = [];

  // 1. Params: a deploy takes values only from the dotenv files; a default in code still prompts.
  const missing = build.params.filter((p) => p.type !== "secret" && !(p.name in userEnvs)).map((p) => p.name);
  if (missing.length > 0) {
    problems.push(
      `params without a value in functions/.env (a deploy would prompt; --non-interactive fails): ${missing.join(", ")}`,
    );
  }

  // firebase-tools passes a dotenv value through whatever the param's type; the function would
  // then read NaN at run time. Typed params must parse as their type.
  const mistyped = build.params
    .filter((p) => p.name in userEnvs && !fitsType(p.type, userEnvs[p.name]!))
    .map((p) => `${p.name}=${userEnvs[p.name]} (${p.type})`);
  if (mistyped.length > 0) problems.push(`params whose value does not fit their type: ${mistyped.join(", ")}`);

  // The same resolution a non-interactive deploy runs (values typed and checked against each
  // param's type), without Secret Manager: offline.
  if (missing.length === 0) {
    const buildModule = fromRoot("firebase-tools/lib/deploy/functions/build") as {
      resolveBackend(opts: object): Promise<unknown>;
    };
    await buildModule
      .resolveBackend({
        build,
        firebaseConfig: { projectId, storageBucket: `${projectId}.firebasestorage.app` },
        userEnvs,
        codebase: "default",
        nonInteractive: true,
        isEmulator: true,
      })
      .catch((error: unknown) => problems.push(`firebase-tools refuses the params: ${String(error)}`));
  }

  // 2. Secrets: every one a function binds is documented where an operator sets them.
  const operations = readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
  const secrets = new Set<string>();
  for (const p of build.params) if (p.type === "secret") secrets.add(p.name);
  for (const e of Object.values(build.endpoints))
    for (const s of e.secretEnvironmentVariables ?? []) secrets.add(s.key);
  const undocumented = [...secrets].filter((s) => !new RegExp(`^\\s*\\|\\s*\`${s}\`\\s*\\|`, "m").test(operations));
  if (undocumented.length > 0) {
    problems.push(`secrets not documented in the secrets table of docs/operations.md: ${undocumented.join(", ")}`);
  }

  // 3. Task queues: every function the code enqueues to is deployed as a task queue function.
  const { TASK_FUNCTIONS } = (await import(path.join(FUNCTIONS_DIR, "lib", "tasks", "dispatch.js"))) as {
    TASK_FUNCTIONS: Record<string, string>;
  };
  const queues = new Set(
    Object.entries(build.endpoints)
      .filter(([, e]) => e.taskQueueTrigger !== undefined)
      .map(([id, e]) => e.entryPoint ?? e.id ?? id),
  );
  const unserved = Object.values(TASK_FUNCTIONS).filter((name) => !queues.has(name));
  if (unserved.length > 0) problems.push(`task queues enqueued to but defined by no function: ${unserved.join(", ")}`);

  // 4. Dependency patches (docs/development.md, "Cold start"): Cloud Build runs `npm ci` in the uploaded
  // functions/ without devDependencies, and its postinstall applies functions/patches/. A patch missing
  // there would deploy the unpatched dependency silently (slower cold starts, same behaviour).
  problems.push(...(await dependencyPatchProblems()));

  const functions = Object.keys(build.endpoints).length;
  console.log(
    `deploy:check (${projectId}): ${functions} functions, ${build.params.length} params (${secrets.size} secrets), ${queues.size} task queues`,
  );
  if (problems.length > 0) {
    for (const p of problems) console.error(`  ✗ ${p}`);
    process.exit(1);
  }
  console.log(
    "  ✓ every param has a value, every secret is documented, every enqueued queue is served, every dependency patch is applied",
  );
}

/** What would keep the deploy's `npm ci` from applying functions/patches/ (firebase-tools lists the upload). */
async function dependencyPatchProblems(): Promise<string[]> {
  const patches = readdirSync(path.join(FUNCTIONS_DIR, "patches")).filter((name) => name.endsWith(".patch"));
  if (patches.length === 0) return [];
  const problems: string[] = [];
  const pkg = JSON.parse(readFileSync(path.join(FUNCTIONS_DIR, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  if (
    !pkg.dependencies?.["patch-package"] ||
    !/\bpatch-package --patch-dir patches\b/.test(pkg.scripts?.postinstall ?? "")
  ) {
    problems.push("functions/package.json must list patch-package in dependencies and run it on postinstall");
  }
  const firebaseJson = JSON.parse(readFileSync(path.join(ROOT, "firebase.json"), "utf8")) as {
    functions: { ignore?: string[] }[];
  };
  const fsAsync = fromRoot("firebase-tools/lib/fsAsync") as {
    readdirRecursive(options: { path: string; ignoreStrings: string[] }): Promise<{ name: string }[]>;
  };
  const uploaded = await fsAsync.readdirRecursive({
    path: FUNCTIONS_DIR,
    ignoreStrings: [...(firebaseJson.functions[0]!.ignore ?? ["node_modules", ".git"])],
  });
  const names = new Set(uploaded.map((file) => path.relative(FUNCTIONS_DIR, file.name).split(path.sep).join("/")));
  const left = patches.filter((name) => !names.has(`patches/${name}`));
  if (left.length > 0)
    problems.push(`dependency patches firebase.json's ignore leaves out of the upload: ${left.join(", ")}`);
  return problems;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
