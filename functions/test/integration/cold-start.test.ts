import { execFile } from "node:child_process";
import path from "node:path";

/**
 * What an instance loads before its first request. Cloud Functions loads index.js in every instance
 * of every function, naming the one it serves in FUNCTION_TARGET; the deploy's discovery loads it
 * with FUNCTIONS_CONTROL_API=true (every function's wiring, so every param is declared: the
 * deploy-check test holds that). Each case loads src/index.ts in a fresh process, as the runtime
 * does, and lists the modules it required (bench section 10 times the built lib/index.js the same way).
 */
const FUNCTIONS_DIR = path.join(__dirname, "..", "..");
const SRC = path.join(FUNCTIONS_DIR, "src");

const PROBE = `
const fn = require(process.argv[1])[process.env.FUNCTION_TARGET || "api"];
if (!fn) throw new Error("no such export");
process.stdout.write(JSON.stringify(Object.keys(require.cache)));
`;

function loadedModules(target: string | null): Promise<string[]> {
  const env: NodeJS.ProcessEnv = { ...process.env, GCLOUD_PROJECT: "demo-cold-start" };
  delete env.FUNCTION_TARGET;
  delete env.FUNCTIONS_CONTROL_API;
  if (target) env.FUNCTION_TARGET = target;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--require", require.resolve("tsx/cjs"), "-e", PROBE, path.join(SRC, "index.ts")],
      { cwd: FUNCTIONS_DIR, env, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

const TEMPLATE_ENGINE = [
  "node_modules/fontkit/",
  "node_modules/bidi-js/",
  "src/templates/render.ts",
  "src/templates/text-layout.ts",
  "src/templates/fonts.ts",
];

/** Packages (and files of them) that only some requests or deliveries need: loaded on first use. */
const HEAVY = [
  "node_modules/sharp/",
  "node_modules/@google-cloud/tasks/",
  "node_modules/@google-cloud/storage/",
  "node_modules/@ffprobe-installer/",
  "node_modules/twitter-text/",
  "node_modules/standardwebhooks/",
  // firebase-functions/v2's index requires every v2 provider (Firestore, Database, Pub/Sub, …).
  "node_modules/firebase-functions/lib/v2/index.js",
  "node_modules/firebase-functions/lib/v2/providers/firestore.js",
  // The OpenAPI document (zod's JSON Schema over every schema): GET /v1/openapi.json only.
  "src/http/openapi/document.ts",
  // What the dependencies loaded eagerly and no function uses at start (functions/patches/ makes them
  // load on first use; each line fails if its patch is not applied). firebase-functions' HTTPS provider
  // checks callable functions' tokens with firebase-admin/auth and /app-check (~200 modules); the api
  // verifies ID tokens with firebase-admin/auth itself, on its first key-management request.
  "node_modules/firebase-admin/lib/auth/",
  "node_modules/firebase-admin/lib/app-check/",
  // zod's ~40 locales (English, the default, is loaded on its own).
  "node_modules/zod/v4/locales/index.cjs",
  // body-parser's parsers other than raw (the one the api uses), and qs (express 5's "extended" query
  // parser and the urlencoded parser, neither used).
  "node_modules/body-parser/lib/types/json.js",
  "node_modules/body-parser/lib/types/text.js",
  "node_modules/body-parser/lib/types/urlencoded.js",
  "node_modules/qs/",
  // The template engine (issue 21): fontkit, bidi-js and the engine's own modules, on the first render.
  ...TEMPLATE_ENGINE,
];
const API = ["node_modules/express/", "src/http/app.ts", "src/http/routes/posts-routes.ts"];
/** The api's other routes: each group loaded by the first request under its prefix (http/app.ts). */
const ROUTES_ON_FIRST_REQUEST = [
  "accounts-routes",
  "api-keys-routes",
  "docs-routes",
  "events-routes",
  "integrations-routes",
  "media-routes",
  "oauth-routes",
  "openapi-routes",
  "webhooks-routes",
].map((name) => `src/http/routes/${name}.ts`);
const TASKS = ["src/tasks/handlers.ts", "src/platforms/live-adapters.ts"];

const loaded = (modules: readonly string[], parts: readonly string[]) =>
  parts.filter((part) => modules.some((file) => file.split(path.sep).join("/").includes(part)));

describe("what each function's instance loads at start", () => {
  it("a process that names no function (a script, a test) loads the wiring only: no function's own code", async () => {
    const modules = await loadedModules(null);
    expect(loaded(modules, [...HEAVY, ...API, ...TASKS])).toEqual([]);
    expect(loaded(modules, ["node_modules/firebase-functions/lib/v2/providers/https.js"])).toHaveLength(1);
  }, 90_000);

  it("the api loads the app and nothing of the task functions', nor what only some requests need", async () => {
    const modules = await loadedModules("api");
    expect(loaded(modules, API)).toEqual(API);
    expect(loaded(modules, [...HEAVY, ...TASKS, ...ROUTES_ON_FIRST_REQUEST])).toEqual([]);
  }, 90_000);

  it.each(["publishX", "orchestratePost", "deliverWebhook", "sweepSubmissions"])(
    "%s loads the task functions' code and not the api's",
    async (target) => {
      const modules = await loadedModules(target);
      expect(loaded(modules, TASKS)).toEqual(TASKS);
      expect(loaded(modules, [...HEAVY, ...API])).toEqual([]);
    },
    90_000,
  );
});

const TEMPLATES_PROBE = `
const templates = require(process.argv[1]);
const { templateDefinitionSchema } = require(process.argv[2]);
const def = templateDefinitionSchema.parse({
  slug: "probe",
  parameters: { title: { type: "text", default: "Hello" } },
  elements: [{ type: "text", box: { x: 0, y: 0, width: 1, height: 1 }, content: "{{title}}", size: { min: 10, max: 40 }, color: "#000" }],
});
const { values } = templates.resolveConfig(def, { title: "Cold" });
const report = (rendered) => process.stdout.write(JSON.stringify({ rendered, modules: Object.keys(require.cache) }));
if (process.env.RENDER === "1") templates.renderTemplate(def, values, undefined, { fetchImage: async () => Buffer.alloc(0) }).then(() => report(true));
else report(false);
`;

function templateModules(render: boolean): Promise<string[]> {
  const env: NodeJS.ProcessEnv = { ...process.env, RENDER: render ? "1" : "0" };
  const args = [path.join(SRC, "templates", "index.ts"), path.join(SRC, "domain", "template-model.ts")];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--require", require.resolve("tsx/cjs"), "-e", TEMPLATES_PROBE, ...args],
      { cwd: FUNCTIONS_DIR, env, encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        const out = JSON.parse(stdout) as { rendered: boolean; modules: string[] };
        expect(out.rendered).toBe(render);
        resolve(out.modules);
      },
    );
  });
}

describe("the template engine loads on the first render", () => {
  it("importing the templates module and resolving a config load none of it", async () => {
    expect(loaded(await templateModules(false), [...TEMPLATE_ENGINE, "node_modules/sharp/"])).toEqual([]);
  }, 90_000);

  it("the first render loads it (so the lists above name real modules)", async () => {
    const modules = await templateModules(true);
    expect(loaded(modules, [...TEMPLATE_ENGINE, "node_modules/sharp/"])).toEqual([
      ...TEMPLATE_ENGINE,
      "node_modules/sharp/",
    ]);
  }, 90_000);
});
