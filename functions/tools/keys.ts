/**
 * Operator command for API keys: `npm run keys -- <create|list|revoke> --uid <uid> [...]`.
 *
 *   create --uid U [--name N] [--mode live|test] [--scopes a,b]   prints the new key once
 *                                                  (--scopes: e.g. posts:read,posts:write; default every scope)
 *   list   --uid U                                 the user's keys (never secrets or hashes)
 *   revoke --uid U --id key_…                      revokes one key
 *
 * Without --project it works on the local stack (demo-postcast, Firestore emulator on
 * 127.0.0.1:8080 unless FIRESTORE_EMULATOR_HOST says otherwise). With --project P and no emulator
 * variable it uses application default credentials (`gcloud auth application-default login`).
 */
import { parseArgs } from "node:util";
import { operatorFirestore } from "../dev/operator-firestore";
import { isScope, SCOPES, type Scope } from "../src/domain/scopes";
import { ApiKeyStore, type ApiKeySummary } from "../src/store/api-key-store";

const USAGE =
  "usage: npm run keys -- <create|list|revoke> --uid <uid> [--name <name>] [--mode live|test] [--scopes <scope,…>] [--id <keyId>] [--project <id>]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function row(k: ApiKeySummary): string {
  const status = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : "active";
  const used = k.lastUsedAt ? k.lastUsedAt.toISOString() : "never";
  return `${k.id}\t${k.mode ?? "?"}\t${k.preview ?? "?"}\t${status}\tcreated ${k.createdAt?.toISOString() ?? "?"}\tlast used ${used}\t${k.scopes.join(",")}\t${k.name ?? ""}`;
}

/** `posts:read,posts:write`: every name must be a scope, and at least one given. */
function parseScopes(list: string): Scope[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = names.filter((s) => !isScope(s));
  if (unknown.length > 0) fail(`unknown scope ${unknown.join(", ")} (scopes: ${SCOPES.join(", ")})`);
  if (names.length === 0) fail("--scopes needs at least one scope");
  return names.filter(isScope);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      uid: { type: "string" },
      name: { type: "string" },
      mode: { type: "string", default: "live" },
      id: { type: "string" },
      scopes: { type: "string" },
      project: { type: "string" },
    },
  });
  const [command] = positionals;
  if (!command || !["create", "list", "revoke"].includes(command)) fail(`unknown command ${command ?? "(none)"}`);
  if (!values.uid) fail("--uid is required");

  const { db, projectId, target } = operatorFirestore(values.project);
  console.error(`project ${projectId} (${target})`);
  const keys = new ApiKeyStore(db);
  try {
    if (command === "create") {
      if (values.mode !== "live" && values.mode !== "test") fail("--mode must be live or test");
      const name = values.name?.trim() || null;
      if (name !== null && name.length > 100) fail("--name must be at most 100 characters");
      const scopes = values.scopes === undefined ? undefined : parseScopes(values.scopes);
      const { apiKey, summary } = await keys.create(values.uid, name, values.mode, scopes);
      console.log(apiKey);
      console.error(`created ${row(summary)}\nThe key is shown only now; store it in a secret manager.`);
    } else if (command === "list") {
      const list = await keys.list(values.uid);
      if (list.length === 0) console.error("no keys");
      for (const k of list) console.log(row(k));
    } else {
      if (!values.id) fail("--id is required for revoke");
      const revoked = await keys.revoke(values.uid, values.id);
      if (!revoked) fail(`user ${values.uid} has no key ${values.id}`);
      console.log(row(revoked));
    }
  } finally {
    await db.terminate();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
