import { copyFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { REFERENCE_DIR } from "../src/http/routes/docs-routes";
import { serialized } from "./openapi";

/**
 * `npm run reference [-- --out <dir>]`: the browsable API reference, a self-contained static
 * directory (index.html, Swagger UI's script and stylesheet, openapi.json) that any static host
 * serves as is. Without --out it is written where the api serves it at /docs (lib/reference,
 * part of `npm run build`), so swagger-ui-dist stays a devDependency: deployed node_modules do
 * not grow, and only the two files the page loads are deployed.
 */
const PAGE = path.join(__dirname, "reference-page");
const SWAGGER_UI = path.dirname(require.resolve("swagger-ui-dist/package.json"));

/** What the directory holds, and where each file comes from. */
const FILES: [name: string, from: string][] = [
  ["index.html", path.join(PAGE, "index.html")],
  ["reference.js", path.join(PAGE, "reference.js")],
  ["index.css", path.join(SWAGGER_UI, "index.css")],
  ["swagger-ui.css", path.join(SWAGGER_UI, "swagger-ui.css")],
  ["swagger-ui-bundle.js", path.join(SWAGGER_UI, "swagger-ui-bundle.js")],
  // Swagger UI is Apache-2.0: its licence and notice travel with it, as do its bundled libraries'.
  ["LICENSE", path.join(SWAGGER_UI, "LICENSE")],
  ["NOTICE", path.join(SWAGGER_UI, "NOTICE")],
  ["swagger-ui-bundle.js.LICENSE.txt", path.join(SWAGGER_UI, "swagger-ui-bundle.js.LICENSE.txt")],
];

/** Writes the reference into `dir`; each file is replaced whole, so a server reading it never sees half of one. */
export function buildReference(dir: string, document: string = serialized()): string[] {
  mkdirSync(dir, { recursive: true });
  const place = (name: string, write: (to: string) => void) => {
    const partial = path.join(dir, `.${name}.${process.pid}`);
    write(partial);
    renameSync(partial, path.join(dir, name));
  };
  for (const [name, from] of FILES) place(name, (to) => copyFileSync(from, to));
  place("openapi.json", (to) => writeFileSync(to, document));
  return [...FILES.map(([name]) => name), "openapi.json"];
}

if (require.main === module) {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  // A relative --out is where the command was typed (npm runs scripts from functions/).
  const dir = values.out ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : REFERENCE_DIR;
  const files = buildReference(dir);
  console.log(`wrote the API reference to ${dir} (${files.length} files; open index.html through any web server)`);
}
