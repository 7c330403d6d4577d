import { Router } from "express";
import type { DepsProvider } from "../deps";
import { DEFAULT_RETURN_PATH, finishConnect } from "../use-cases/connect-account";
import { platformParam } from "./platform-param";

/**
 * /oauth: where platforms send the user's browser back after consent. No Postcast credentials
 * arrive here, so nothing is connected here either: the single-use state names the user who
 * started the flow, and what the consent yielded waits for that user to redeem it.
 */
export function oauthRoutes(deps: DepsProvider): Router {
  const router = Router();

  router.get("/:platform/callback", async (req, res) => {
    const platform = platformParam(req.params.platform);
    const location = await finishConnect(deps(), { platform, query: req.query });
    res.setHeader("Cache-Control", "no-store");
    res.redirect(302, location);
  });

  // The outcome page for connections started without a returnTo (the local stack, scripts).
  router.get(DEFAULT_RETURN_PATH.replace("/oauth", ""), (req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.status(200).json({ connect: req.query });
  });

  return router;
}
