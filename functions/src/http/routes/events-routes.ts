import { Router } from "express";
import { apiKeyAuth } from "../context";
import type { DepsProvider } from "../deps";
import { scopedRouter } from "../route-scopes";
import { documentIdParams } from "../middleware/document-ids";
import { sendJson } from "../respond";
import { getEvent, listEvents, redeliverEvent } from "../use-cases/events";

/** /v1/events: the event feed, one event, and redelivery. Behind requireApiKey. */
export function eventsRoutes(deps: DepsProvider): Router {
  const r = scopedRouter("/v1/events");
  const router = r.router;
  documentIdParams(router, { id: "event" });
  r.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, await listEvents(deps(), apiKeyAuth(res), { query: req.query }));
  });
  r.get("/:id", async (req, res) => {
    await sendJson(req, res, deps, 200, await getEvent(deps(), apiKeyAuth(res), { id: req.params.id }));
  });
  r.post("/:id/redeliver", async (req, res) => {
    await sendJson(req, res, deps, 202, await redeliverEvent(deps(), apiKeyAuth(res), { id: req.params.id }));
  });
  return router;
}
