import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { z } from "zod";
import { KEY_NAME_MAX } from "../../domain/api-key";
import { AppError, validationError } from "../../domain/errors";
import { zodIssues } from "../../domain/zod-issues";
import type { ApiKeySummary } from "../../store/api-key-store";
import { idTokenAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";

const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(KEY_NAME_MAX).optional(),
  mode: z.enum(["live", "test"]).optional(),
});

const view = (k: ApiKeySummary) => ({
  id: k.id,
  name: k.name,
  mode: k.mode,
  preview: k.preview,
  createdAt: k.createdAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  status: k.revokedAt ? "revoked" : "active",
});

/**
 * /v1/api-keys: create, list and revoke the signed-in user's keys. Mounted behind requireIdToken:
 * a Firebase ID token proves the account owner; an API key never can.
 */
export function apiKeysRoutes(deps: DepsProvider): Router {
  const router = Router();
  documentIdParams(router, { id: "API key" });

  router.post("/", async (req, res) => {
    const parsed = createSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const { apiKey, summary } = await deps().apiKeys.create(
      idTokenAuth(res).userId,
      parsed.data.name ?? null,
      parsed.data.mode ?? "live",
    );
    res.setHeader("Location", `/v1/api-keys/${summary.id}`);
    // The only time the key is shown: it is stored as a hash and cannot be recovered.
    await sendJson(req, res, deps, 201, { apiKey, ...view(summary) });
  });

  router.get("/", async (req, res) => {
    const keys = await deps().apiKeys.list(idTokenAuth(res).userId);
    await sendJson(req, res, deps, 200, { data: keys.map(view) });
  });

  router.delete("/:id", async (req, res) => {
    const id = String(req.params.id);
    const revoked = await deps().apiKeys.revoke(idTokenAuth(res).userId, id);
    if (!revoked) throw new AppError("not_found", `No API key ${id}.`);
    await sendJson(req, res, deps, 200, view(revoked));
  });

  return router;
}
