import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { apiKeyAuth, idTokenAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { disconnectAccount, platformParam } from "../use-cases/connect-account";
import { accountViews } from "./account-view";

/** GET /v1/accounts: the caller's connected accounts, so they can find the accountIds posts need. */
export function accountsRoutes(deps: DepsProvider): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, { data: await accountViews(deps(), apiKeyAuth(res).userId) });
  });
  return router;
}

/** DELETE /v1/accounts/{platform}/{accountId}: the dashboard disconnects an account (ID token only). */
export function disconnectRoutes(deps: DepsProvider): Router {
  const router = Router();
  documentIdParams(router, { accountId: "account" });
  router.delete("/:platform/:accountId", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const result = await disconnectAccount(deps(), idTokenAuth(res).userId, platform, String(req.params.accountId));
    await sendJson(req, res, deps, 200, result);
  });
  return router;
}
