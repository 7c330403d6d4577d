import { z } from "zod";
import type { KeyMode } from "../../domain/api-key";
import { SCOPES, type Scope } from "../../domain/scopes";
import { AppError } from "../../domain/errors";
import type { ApiKeySummary } from "../../store/api-key-store";
import type { IdTokenAuth } from "../caller";
import type { AppDeps } from "../deps";

export const apiKeyViewSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    mode: z.enum(["live", "test"]).nullable(),
    preview: z.string().nullable(),
    createdAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    scopes: z
      .array(z.enum(SCOPES))
      .meta({ description: "What the key may do (see the security requirements of each operation)." }),
    status: z.enum(["active", "revoked"]),
  })
  .meta({ id: "ApiKey" });
export type ApiKeyView = z.output<typeof apiKeyViewSchema>;
/** POST /v1/api-keys: the key itself, shown this once. */
export const createdApiKeySchema = apiKeyViewSchema
  .extend({ apiKey: z.string().meta({ description: "The key: shown in this answer only." }) })
  .meta({ id: "CreatedApiKey" });

/** A key as the dashboard shows it: never the key itself (stored as a hash). */
export const apiKeyView = (k: ApiKeySummary): ApiKeyView => ({
  id: k.id,
  name: k.name,
  mode: k.mode,
  preview: k.preview,
  createdAt: k.createdAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  scopes: [...k.scopes],
  status: k.revokedAt ? "revoked" : "active",
});

/**
 * POST /v1/api-keys: a new key for the signed-in user. The only time the key is shown: it is
 * stored as a hash and cannot be recovered.
 */
export async function createApiKey(
  deps: AppDeps,
  caller: IdTokenAuth,
  input: { name: string | null; mode: KeyMode; scopes?: readonly Scope[] },
) {
  const { apiKey, summary } = await deps.apiKeys.create(caller.userId, input.name, input.mode, input.scopes);
  return { apiKey, ...apiKeyView(summary) };
}

/** GET /v1/api-keys: the signed-in user's keys, revoked ones included. */
export async function listApiKeys(deps: AppDeps, caller: IdTokenAuth) {
  return (await deps.apiKeys.list(caller.userId)).map(apiKeyView);
}

/** DELETE /v1/api-keys/{id}: the key stops working at once. */
export async function revokeApiKey(deps: AppDeps, caller: IdTokenAuth, input: { id: string }) {
  const revoked = await deps.apiKeys.revoke(caller.userId, input.id);
  if (!revoked) throw new AppError("not_found", `No API key ${input.id}.`);
  return apiKeyView(revoked);
}
