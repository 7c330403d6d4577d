import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { apiKeyAuth, idTokenAuth } from "../context";
import type { DepsProvider } from "../deps";
import { scopedRouter } from "../route-scopes";
import { sendJson } from "../respond";
import { disconnectAccount } from "../use-cases/connect-account";
import { platformParam } from "./platform-param";
import { listAccounts } from "../use-cases/list-accounts";

/** GET /v1/accounts: the caller's connected accounts, so they can find the accountIds posts need. */
export function accountsRoutes(deps: DepsProvider): Router {
  const r = scopedRouter("/v1/accounts");
  const router = r.router;
  r.get("/", async (req, res) => {
    await sendJson(req, res, deps, 200, { data: await listAccounts(deps(), apiKeyAuth(res)) });
  });
  return router;
}

/** DELETE /v1/accounts/{platform}/{accountId}: the dashboard disconnects an account (ID token only). */
export function disconnectRoutes(deps: DepsProvider): Router {
  const router = Router();
  documentIdParams(router, { accountId: "account" });
  router.delete("/:platform/:accountId", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const accountId = String(req.params.accountId);
    const result = await disconnectAccount(deps(), idTokenAuth(res), { platform, accountId });
    await sendJson(req, res, deps, 200, result);
  });
  return router;
}
