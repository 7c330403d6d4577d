import { Router } from "express";
import { apiKeyAuth, ctx } from "../context";
import type { DepsProvider } from "../deps";
import { scopedRouter } from "../route-scopes";
import { documentIdParams } from "../middleware/document-ids";
import { sendJson } from "../respond";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  testWebhook,
  updateWebhook,
} from "../use-cases/webhooks";

/** /v1/webhooks: endpoints, their secrets, test events and delivery attempts. Behind requireApiKey. */
export function webhooksRoutes(deps: DepsProvider): Router {
  const r = scopedRouter("/v1/webhooks");
  const router = r.router;
  documentIdParams(router, { id: "webhook endpoint" });
  r.post("/", async (req, res) => {
    await sendJson(req, res, deps, 201, await createWebhook(deps(), apiKeyAuth(res), { body: req.body }));
  });
  r.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, await listWebhooks(deps(), apiKeyAuth(res)));
  });
  r.get("/:id", async (req, res) => {
    await sendJson(req, res, deps, 200, await getWebhook(deps(), apiKeyAuth(res), { id: req.params.id }));
  });
  r.patch("/:id", async (req, res) => {
    const result = await updateWebhook(deps(), apiKeyAuth(res), { id: req.params.id, body: req.body });
    await sendJson(req, res, deps, 200, result);
  });
  r.delete("/:id", async (req, res) => {
    await sendJson(req, res, deps, 200, await deleteWebhook(deps(), apiKeyAuth(res), { id: req.params.id }));
  });
  r.post("/:id/rotate", async (req, res) => {
    await sendJson(req, res, deps, 200, await rotateWebhookSecret(deps(), apiKeyAuth(res), { id: req.params.id }));
  });
  r.post("/:id/test", async (req, res) => {
    const input = { id: req.params.id, requestLogId: ctx(res).logId };
    await sendJson(req, res, deps, 202, await testWebhook(deps(), apiKeyAuth(res), input));
  });
  r.get("/:id/deliveries", async (req, res) => {
    const result = await listDeliveries(deps(), apiKeyAuth(res), { id: req.params.id, query: req.query });
    await sendJson(req, res, deps, 200, result);
  });
  return router;
}
