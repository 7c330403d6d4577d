import type { IncomingMessage, ServerResponse } from "node:http";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { openApiDocument, openApiPath } from "../../src/http/openapi/document";
import { OPERATIONS } from "../../src/http/openapi/operations";

type Json = Record<string, unknown>;

/** What the checks found: read and cleared by test/setup/openapi-conformance.ts after each test. */
export const conformance = { checked: 0, unmatched: 0, violations: [] as string[], routes: new Set<string>() };

const doc = openApiDocument() as Json & { paths: Record<string, Record<string, Json>>; components: Json };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: "openapi" });

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const validators = new Map<string, ValidateFunction>();
function validatorAt(path: string): ValidateFunction {
  let v = validators.get(path);
  if (!v) validators.set(path, (v = ajv.compile({ $ref: `openapi#/${path}` })));
  return v;
}

const templates = OPERATIONS.map((op) => ({
  method: op.method,
  path: openApiPath(op.path),
  regex: new RegExp(`^${op.path.replace(/:\w+/g, "[^/]+")}$`),
}));

const resolve = (value: Json): Json => {
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  const [, kind, name] = ref.split("/").slice(1);
  return ((doc.components[kind!] as Json)[name!] as Json) ?? value;
};

/** Checks one answer against the document: a declared status, the declared headers, the body's schema. */
function check(method: string, url: string, status: number, headers: Record<string, unknown>, body: Buffer): void {
  const path = url.split("?")[0]!;
  const template = templates.find((t) => t.method === method.toLowerCase() && t.regex.test(path));
  if (!template) {
    conformance.unmatched++;
    return;
  }
  conformance.checked++;
  conformance.routes.add(`${template.method} ${template.path}`);
  const where = `${method} ${url} → ${status}`;
  const responses = doc.paths[template.path]![template.method]!.responses as Record<string, Json>;
  const declared = responses[String(status)];
  if (!declared) return void conformance.violations.push(`${where}: status not in the spec`);
  const response = resolve(declared);
  for (const name of Object.keys((response.headers as Json | undefined) ?? {})) {
    const header = resolve((response.headers as Json)[name] as Json);
    if (header.required && headers[name.toLowerCase()] === undefined) {
      conformance.violations.push(`${where}: header ${name} missing`);
    }
  }
  const content = response.content as Json | undefined;
  if (!content) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return void conformance.violations.push(`${where}: body is not JSON`);
  }
  const schemaPath =
    declared.$ref !== undefined
      ? pointer(
          "components",
          "responses",
          String(declared.$ref).split("/").pop()!,
          "content",
          "application/json",
          "schema",
        )
      : pointer(
          "paths",
          template.path,
          template.method,
          "responses",
          String(status),
          "content",
          "application/json",
          "schema",
        );
  const validate = validatorAt(schemaPath);
  if (!validate(parsed)) {
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath} ${e.message ?? ""}`);
    conformance.violations.push(`${where}: body ${errors.join("; ")}`);
  }
}

/** Wraps the app: every answer it gives is checked against openapi.json when it has been sent. */
export function conformant(
  app: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // As received: express rewrites req.url while it routes through mounted routers.
    const { method = "GET", url = "/" } = req;
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === "string") chunks.push(Buffer.from(chunk));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== "function") keep(chunk);
      try {
        check(method, url, res.statusCode, res.getHeaders(), Buffer.concat(chunks));
      } catch (error) {
        conformance.violations.push(`${method} ${url}: checking failed: ${String(error)}`);
      }
      return end(chunk, ...rest);
    }) as typeof res.end;
    app(req, res);
  };
}
