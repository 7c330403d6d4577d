import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../../domain/errors";
import { PLATFORM_OPTION_SCHEMAS } from "../../domain/platform-options";
import { ROUTE_SCOPES, type RouteScope } from "../route-scopes";
import {
  errorEnvelopeSchema,
  errorExamples,
  HEADERS,
  PARAMETERS,
  RATE_LIMIT_HEADERS,
  SECURITY_SCHEMES,
  type HeaderName,
} from "./components";
import { OPERATIONS, type Operation, type ResponseSpec } from "./operations";

type Json = Record<string, unknown>;

/** `/v1/posts/:id` → `/v1/posts/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, "{$1}");

/** zod's bounds of a plain `.int()` (JavaScript's safe integers) say nothing to a reader: left out. */
const SAFE_INT = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !((k === "minimum" || k === "maximum") && SAFE_INT.has(v as number)))
      .map(([k, v]) => [k, tidy(v)]),
  );
}

/**
 * Converts zod schemas with zod's own JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect).
 * Schemas named with `.meta({ id })` become components of that name; request bodies are converted
 * as input (what a client may send), responses as output (what the API answers). A name converted
 * to two different schemas is a mistake in the operations table, refused rather than overwritten.
 */
class Schemas {
  readonly components: Record<string, Json> = {};

  private add(name: string, schema: Json): void {
    const existing = this.components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(`Two different schemas are named ${name} in the OpenAPI document`);
    }
    this.components[name] = schema;
  }

  ref(schema: z.ZodType, io: "input" | "output"): Json {
    const converted = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
    const { $defs, $schema: _dialect, ...rest } = tidy(converted) as Json & { $defs?: Record<string, Json> };
    const rewrite = (value: unknown): unknown =>
      JSON.parse(
        JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${id}"`),
      );
    for (const [id, def] of Object.entries($defs ?? {})) this.add(id, rewrite(def) as Json);
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    const body = rewrite(rest) as Json;
    if (!id) return body;
    const ref = `#/components/schemas/${id}`;
    // zod answers a named schema as a reference to its own $defs entry, already a component.
    if (body.$ref !== ref) this.add(id, body);
    return { $ref: ref };
  }
}

const headerRefs = (names: readonly HeaderName[]) =>
  Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

/** Path parameters naming stored documents: an id that names nothing of the caller's is a 404. */
const DOCUMENT_PARAMS = /:(id|accountId|slug)\b/;

/**
 * The error codes an operation may answer: those of its kind (authentication, the limiter, a
 * write's JSON body, a parameter or path segment that cannot be read, a document id) and its own.
 */
function errorCodes(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>(["internal_error", ...(op.errors ?? [])]);
  const write = op.method === "post" || op.method === "patch";
  if (op.limited) codes.add("rate_limit_exceeded");
  if (op.auth !== "none") codes.add("unauthorized");
  if (op.auth === "apiKey") ["forbidden", "insufficient_scope"].forEach((c) => codes.add(c as ErrorCode));
  // Malformed JSON (any write reads its body), a bad query value, an undecodable path segment.
  if (write || op.query || op.path.includes(":")) codes.add("validation_error");
  if (DOCUMENT_PARAMS.test(op.path)) codes.add("not_found");
  if (op.auth !== "none" && write)
    ["payload_too_large", "unsupported_media_type"].forEach((c) => codes.add(c as ErrorCode));
  return [...codes];
}

function errorResponses(op: Operation): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodes(op))
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const answers: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const extra: HeaderName[] = status === 429 ? ["Retry-After"] : [];
    answers[String(status)] = {
      description: `Error: ${codes.map((c) => `\`${c}\``).join(", ")}.`,
      headers: headerRefs(["X-Request-ID", ...(op.limited ? RATE_LIMIT_HEADERS : []), ...extra]),
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/Error" },
          examples: Object.fromEntries(codes.map((c) => [c, { $ref: `#/components/examples/${c}` }])),
        },
      },
    };
  }
  return answers;
}

/** The scope an API-key operation needs, from the table the routers enforce (http/route-scopes.ts). */
function scopeOf(op: Operation): RouteScope | null {
  if (op.auth !== "apiKey") return null;
  const key = `${op.method.toUpperCase()} ${openApiPath(op.path)}`;
  const entry = (ROUTE_SCOPES as Record<string, RouteScope>)[key];
  if (!entry) throw new Error(`${key} has no entry in ROUTE_SCOPES`);
  return entry;
}

function security(op: Operation, scope: RouteScope | null): Json[] {
  if (op.auth === "idToken") return [{ firebaseIdToken: [] }];
  if (!scope) return [];
  return [{ sokuApiKey: [scope.scope] }, { bearerApiKey: [scope.scope] }];
}

function scopeSentence(scope: RouteScope): string {
  return scope.publishUnlessDraft
    ? `Scopes: \`${scope.scope}\`, and \`posts:publish\` too unless \`"draft": true\` (a dry run included); ` +
        "a key without them is answered 403 `insufficient_scope`."
    : `Scope: \`${scope.scope}\` (403 \`insufficient_scope\` without it).`;
}

function pathParameters(op: Operation): Json[] {
  return [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema:
      name === "platform"
        ? { type: "string", description: "A platform name (case-insensitive; `twitter` is `x`)." }
        : name === "slug"
          ? { type: "string", description: "A template's slug (a built-in's, or one of yours)." }
          : { type: "string" },
  }));
}

function queryParameters(op: Operation, schemas: Schemas): Json[] {
  if (!op.query) return [];
  return Object.entries(op.query.shape).map(([name, field]) => {
    // A field's description and examples belong to the parameter, not its schema.
    const { description, examples, ...schema } = schemas.ref(field as z.ZodType, "input");
    const parameter: Json = { name, in: "query", required: false };
    if (description) parameter.description = description;
    parameter.schema = schema;
    if (Array.isArray(examples) && examples.length > 0) parameter.example = examples[0];
    return parameter;
  });
}

function response(spec: ResponseSpec, op: Operation, schemas: Schemas): Json {
  const headers = headerRefs(["X-Request-ID", ...(op.limited ? RATE_LIMIT_HEADERS : []), ...(spec.headers ?? [])]);
  if (!spec.schema) return { description: spec.description, headers };
  const media: Json = { schema: schemas.ref(spec.schema, "output") };
  if (spec.example !== undefined) media.example = spec.example;
  return { description: spec.description, headers, content: { "application/json": media } };
}

function operation(op: Operation, schemas: Schemas): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec, op, schemas);
  Object.assign(responses, errorResponses(op));
  const scope = scopeOf(op);
  const doc: Json = {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
  };
  const description = [op.description, scope && scopeSentence(scope)].filter(Boolean).join("\n\n");
  if (description) doc.description = description;
  doc.security = security(op, scope);
  if (scope) {
    doc["x-required-scopes"] = [scope.scope];
    if (scope.publishUnlessDraft) doc["x-required-scopes-unless-draft"] = ["posts:publish"];
  }
  doc.parameters = [
    ...pathParameters(op),
    ...queryParameters(op, schemas),
    ...(op.headers ?? []).map((h) => ({ $ref: `#/components/parameters/${h}` })),
    { $ref: "#/components/parameters/RequestId" },
  ];
  doc.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
  if (op.body) {
    const media: Json = { schema: schemas.ref(op.body.schema, "input") };
    if (op.body.example !== undefined) media.example = op.body.example;
    doc.requestBody = { required: op.body.required, content: { "application/json": media } };
  }
  return doc;
}

/** A target's `options` follow its platform's schema (checked per platform): named for clients, once. */
const OPTION_SCHEMAS = Object.entries(PLATFORM_OPTION_SCHEMAS).map(([platform, schema]) =>
  schema.meta({ id: `${platform[0]!.toUpperCase()}${platform.slice(1)}Options` }),
);

/** The OpenAPI 3.1 document of the API, built from the zod schemas the API itself parses and answers with. */
export function openApiDocument(): Json {
  const schemas = new Schemas();
  schemas.ref(errorEnvelopeSchema, "output");
  for (const schema of OPTION_SCHEMAS) schemas.ref(schema, "input");
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
      securitySchemes: SECURITY_SCHEMES,
      headers: HEADERS,
      parameters: PARAMETERS,
      examples: errorExamples(Object.keys(ERROR_STATUS) as ErrorCode[]),
    },
  };
}
