import { Router } from "express";
import { apiKeyAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";

/** GET /v1/accounts: the caller's connected accounts, so they can find the accountIds posts need. */
export function accountsRoutes(deps: DepsProvider): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    const accounts = await deps().users.listAccounts(apiKeyAuth(res).userId);
    await sendJson(req, res, deps, 200, {
      data: accounts.map((a) => ({
        platform: a.platform,
        accountId: a.accountId,
        displayName: a.record.displayName ?? null,
        username: a.record.username ?? null,
        status: a.record.status,
        onlyAccount: a.onlyAccount,
        connectedAt: a.record.createdAt?.toDate().toISOString() ?? null,
      })),
    });
  });
  return router;
}
