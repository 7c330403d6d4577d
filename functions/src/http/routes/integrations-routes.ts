import { documentIdParams } from "../middleware/document-ids";
import { Router } from "express";
import { z } from "zod";
import { AppError, validationError } from "../../domain/errors";
import type { Platform } from "../../domain/platforms";
import { zodIssues } from "../../domain/zod-issues";
import { idTokenAuth } from "../context";
import type { AppDeps, DepsProvider } from "../deps";
import { sendJson } from "../respond";
import { platformParam, startConnect } from "../use-cases/connect-account";
import { completeSelection, redeemConnection } from "../use-cases/redeem-connection";
import { accountViews } from "./account-view";

const connectSchema = z.strictObject({ returnTo: z.string().max(2048).optional() });
const redeemSchema = z.strictObject({ code: z.string().min(1).max(256) });
const selectSchema = z.strictObject({ accountIds: z.array(z.string().min(1).max(200)).min(1).max(100) });

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
    const parsed = connectSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const started = await startConnect(deps(), idTokenAuth(res).userId, platform, parsed.data.returnTo);
    await sendJson(req, res, deps, 200, started);
  });

  // The code goes in the body, never the path: paths are kept in the request log.
  router.post("/:platform/connections", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const parsed = redeemSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const userId = idTokenAuth(res).userId;
    const redeemed = await redeemConnection(deps(), userId, platform, parsed.data.code);
    if (redeemed.status === "choose") return void (await sendJson(req, res, deps, 200, redeemed));
    const data = await viewsOf(deps(), userId, platform, redeemed.accountIds);
    await sendJson(req, res, deps, 200, { status: redeemed.status, platform, data });
  });

  router.get("/:platform/selections/:id", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const userId = idTokenAuth(res).userId;
    const pending = await deps().oauth.states.selection(String(req.params.id), userId, platform);
    if (!pending) throw new AppError("not_found", `No open account selection ${String(req.params.id)}.`);
    await sendJson(req, res, deps, 200, {
      platform,
      expiresAt: pending.expiresAt.toISOString(),
      accounts: pending.accounts,
    });
  });

  router.post("/:platform/selections/:id", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const parsed = selectSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(zodIssues(parsed.error, req.body));
    const userId = idTokenAuth(res).userId;
    const ids = [...new Set(parsed.data.accountIds)];
    await completeSelection(deps(), userId, platform, String(req.params.id), ids);
    await sendJson(req, res, deps, 200, { data: await viewsOf(deps(), userId, platform, ids) });
  });

  return router;
}

/** The accounts just connected, as GET /v1/accounts shows them. */
async function viewsOf(deps: AppDeps, userId: string, platform: Platform, accountIds: readonly string[]) {
  return (await accountViews(deps, userId)).filter((a) => a.platform === platform && accountIds.includes(a.accountId));
}
