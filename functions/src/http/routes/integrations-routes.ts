import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { z } from "zod";
import { validationError } from "../../domain/errors";
import { zodIssues } from "../../domain/zod-issues";
import { idTokenAuth } from "../context";
import type { DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { startConnect } from "../use-cases/connect-account";
import { platformParam } from "./platform-param";
import { listAccounts } from "../use-cases/list-accounts";
import { completeSelection, getSelection, redeemConnection } from "../use-cases/redeem-connection";

export const connectBody = z.strictObject({ returnTo: z.string().max(2048).optional() });
export const redeemBody = z.strictObject({ code: z.string().min(1).max(256) });
export const selectBody = z.strictObject({ accountIds: z.array(z.string().min(1).max(200)).min(1).max(100) });

/**
 * /v1/integrations: the dashboard's side of connecting accounts (Firebase ID token only). The
 * platform redirects back to /oauth/{platform}/callback (oauth-routes.ts), which sends the
 * browser back here with a code the same signed-in user redeems.
 */
export function integrationsRoutes(deps: DepsProvider): Router {
  const router = Router();
  documentIdParams(router, { id: "account selection" });

  router.post("/:platform/connect", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const parsed = connectBody.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const started = await startConnect(deps(), idTokenAuth(res), { platform, returnTo: parsed.data.returnTo });
    await sendJson(req, res, deps, 200, started);
  });

  // The code goes in the body, never the path: paths are kept in the request log.
  router.post("/:platform/connections", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const parsed = redeemBody.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const caller = idTokenAuth(res);
    const redeemed = await redeemConnection(deps(), caller, { platform, code: parsed.data.code });
    if (redeemed.status === "choose") return void (await sendJson(req, res, deps, 200, redeemed));
    const data = await listAccounts(deps(), caller, { platform, accountIds: redeemed.accountIds });
    await sendJson(req, res, deps, 200, { status: redeemed.status, platform, data });
  });

  router.get("/:platform/selections/:id", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const selection = await getSelection(deps(), idTokenAuth(res), { platform, selectionId: String(req.params.id) });
    await sendJson(req, res, deps, 200, selection);
  });

  router.post("/:platform/selections/:id", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const parsed = selectBody.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const caller = idTokenAuth(res);
    const accountIds = [...new Set(parsed.data.accountIds)];
    await completeSelection(deps(), caller, { platform, selectionId: String(req.params.id), accountIds });
    await sendJson(req, res, deps, 200, { data: await listAccounts(deps(), caller, { platform, accountIds }) });
  });

  return router;
}
