import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { z } from "zod";
import { KEY_NAME_MAX } from "../../domain/api-key";
import { validationError } from "../../domain/errors";
import { SCOPES } from "../../domain/scopes";
import { zodIssues } from "../../domain/zod-issues";
import { idTokenAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { createApiKey, listApiKeys, revokeApiKey } from "../use-cases/api-keys";

export const createKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(KEY_NAME_MAX).optional(),
  mode: z.enum(["live", "test"]).optional(),
  /** What the key may do (docs/api.md, Scopes); absent: every scope. */
  scopes: z.array(z.enum(SCOPES)).min(1).optional(),
});

/**
 * /v1/api-keys: create, list and revoke the signed-in user's keys. Mounted behind requireIdToken:
 * a Firebase ID token proves the account owner; an API key never can.
 */
export function apiKeysRoutes(deps: DepsProvider): Router {
  const router = Router();
  documentIdParams(router, { id: "API key" });

  router.post("/", async (req, res) => {
    const parsed = createKeyBody.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const created = await createApiKey(deps(), idTokenAuth(res), {
      name: parsed.data.name ?? null,
      mode: parsed.data.mode ?? "live",
      ...(parsed.data.scopes ? { scopes: parsed.data.scopes } : {}),
    });
    res.setHeader("Location", `/v1/api-keys/${created.id}`);
    await sendJson(req, res, deps, 201, created);
  });

  router.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, { data: await listApiKeys(deps(), idTokenAuth(res)) });
  });

  router.delete("/:id", async (req, res) => {
    await sendJson(req, res, deps, 200, await revokeApiKey(deps(), idTokenAuth(res), { id: String(req.params.id) }));
  });

  return router;
}
