import type { KeyMode } from "../../domain/api-key";
import type { Scope } from "../../domain/scopes";
import { AppError } from "../../domain/errors";
import type { ApiKeySummary } from "../../store/api-key-store";
import type { IdTokenAuth } from "../caller";
import type { AppDeps } from "../deps";

/** A key as the dashboard shows it: never the key itself (stored as a hash). */
export const apiKeyView = (k: ApiKeySummary) => ({
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
