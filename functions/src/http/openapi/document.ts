import { z } from "zod";
import {
  codesOf,
  errorEnvelopeSchema,
  HEADERS,
  PARAMETERS,
  RATE_LIMIT_HEADERS,
  SECURITY_SCHEMES,
  securityOf,
  type HeaderName,
} from "./components";
import { OPERATIONS, type Operation, type ResponseSpec } from "./operations";

type Json = Record<string, unknown>;

/** `/v1/posts/:id` → `/v1/posts/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, "{$1}");

/**
 * Converts zod schemas with zod's own JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect).
 * Schemas named with `.meta({ id })` become components; request bodies are converted as input
 * (what a client may send), responses as output (what the API answers).
 */
class Schemas {
  readonly components: Record<string, Json> = {};

  ref(schema: z.ZodType, io: "input" | "output"): Json {
    const converted = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
    const { $defs, $schema: _dialect, ...rest } = converted as Json & { $defs?: Record<string, Json> };
    const suffix = io === "input" ? "Input" : "";
    const rename = (id: string) => `${id}${suffix}`;
    const rewrite = (value: unknown): unknown =>
      JSON.parse(
        JSON.stringify(value).replace(
          /"#\/\$defs\/([^"]+)"/g,
          (_m, id: string) => `"#/components/schemas/${rename(id)}"`,
        ),
      );
    for (const [id, def] of Object.entries($defs ?? {})) this.components[rename(id)] = rewrite(def) as Json;
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    const body = rewrite(rest) as Json;
    if (!id) return body;
    const ref = `#/components/schemas/${rename(id)}`;
    // zod answers a named schema as a reference to its own $defs entry, already a component.
    if (body.$ref !== ref) this.components[rename(id)] = body;
    return { $ref: ref };
  }
}

const headerRefs = (names: readonly HeaderName[]) =>
  Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

/** The statuses an operation may answer with the error envelope. */
function errorStatuses(op: Operation): number[] {
  const statuses = new Set<number>([400, 404, 500, ...(op.errors ?? [])]);
  if (op.limited) statuses.add(429);
  if (op.auth !== "none") [401, 403].forEach((s) => statuses.add(s));
  // Behind jsonBody: any write that carries a body has it read (a bodiless one too, when sent one).
  if (op.auth !== "none" && op.method !== "get" && op.method !== "delete") [413, 415].forEach((s) => statuses.add(s));
  return [...statuses].sort((a, b) => a - b);
}

function pathParameters(op: Operation): Json[] {
  return [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema:
      name === "platform"
        ? { type: "string", description: "A platform name (case-insensitive; `twitter` is `x`)." }
        : { type: "string" },
  }));
}

function queryParameters(op: Operation, schemas: Schemas): Json[] {
  if (!op.query) return [];
  return Object.entries(op.query.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: false,
    schema: schemas.ref(field as z.ZodType, "input"),
  }));
}

function response(spec: ResponseSpec, op: Operation, schemas: Schemas): Json {
  const headers = headerRefs(["X-Request-ID", ...(op.limited ? RATE_LIMIT_HEADERS : []), ...(spec.headers ?? [])]);
  if (!spec.schema) return { description: spec.description, headers };
  const media: Json = { schema: schemas.ref(spec.schema, "output") };
  if (spec.example !== undefined) media.example = spec.example;
  return { description: spec.description, headers, content: { "application/json": media } };
}

const errorResponseName = (status: number, limited: boolean) => `Error${status}${limited ? "" : "Unlimited"}`;

/** The error answers, shared by the operations (with the limiter's headers or without). */
function errorResponses(): Json {
  const all: Json = {};
  for (const limited of [true, false]) {
    for (const status of [...new Set(OPERATIONS.flatMap((op) => (op.limited === limited ? errorStatuses(op) : [])))]) {
      const extra: HeaderName[] = status === 429 ? ["Retry-After"] : [];
      all[errorResponseName(status, limited)] = {
        description: `Error: ${codesOf(status)
          .map((c) => `\`${c}\``)
          .join(", ")}.`,
        headers: headerRefs(["X-Request-ID", ...(limited ? RATE_LIMIT_HEADERS : []), ...extra]),
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
  }
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
}

function operation(op: Operation, schemas: Schemas): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec, op, schemas);
  for (const status of errorStatuses(op)) {
    responses[String(status)] = { $ref: `#/components/responses/${errorResponseName(status, op.limited)}` };
  }
  const doc: Json = {
    operationId: `${op.method}${openApiPath(op.path)
      .replace(/[{}]/g, "")
      .split(/[/.-]/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join("")}`,
    tags: [op.tag],
    summary: op.summary,
    security: securityOf(op.auth),
    parameters: [
      ...pathParameters(op),
      ...queryParameters(op, schemas),
      ...(op.headers ?? []).map((h) => ({ $ref: `#/components/parameters/${h}` })),
      { $ref: "#/components/parameters/RequestId" },
    ],
    responses,
  };
  if (op.body) {
    const media: Json = { schema: schemas.ref(op.body.schema, "input") };
    if (op.body.example !== undefined) media.example = op.body.example;
    doc.requestBody = { required: op.body.required, content: { "application/json": media } };
  }
  return doc;
}

/** The OpenAPI 3.1 document of the API, built from the zod schemas the API itself parses and answers with. */
export function openApiDocument(): Json {
  const schemas = new Schemas();
  schemas.ref(errorEnvelopeSchema, "output");
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[openApiPath(op.path)] ??= {})[op.method] = operation(op, schemas);
  return {
    openapi: "3.1.0",
    info: {
      title: "Postcast API",
      version: "1.0.0",
      description:
        "One POST /v1/posts publishes to X, Threads, Instagram, Facebook, LinkedIn, TikTok, YouTube and Snapchat. " +
        "Generated from the API's zod schemas (`npm run openapi`); docs/api.md explains the behaviour.",
    },
    servers: [
      { url: "https://us-central1-{project}.cloudfunctions.net/api", variables: { project: { default: "postcast" } } },
      { url: "http://127.0.0.1:5001/demo-postcast/us-central1/api", description: "The local stack" },
    ],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas.components).sort(([a], [b]) => a.localeCompare(b))),
      responses: errorResponses(),
      securitySchemes: SECURITY_SCHEMES,
      headers: HEADERS,
      parameters: PARAMETERS,
    },
  };
}
