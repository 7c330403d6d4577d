import express, { type Express } from "express";
import { trustProxyHops } from "./client-address";
import type { DepsProvider } from "./deps";
import { errorHandler, notFound } from "./middleware/error-handler";
import { identifyApiKey, identifyIdToken } from "./middleware/identify";
import { jsonBody } from "./middleware/json-body";
import { rateLimit } from "./middleware/rate-limit";
import { rejectBrowserOrigin } from "./middleware/reject-browser-origin";
import { requestContext } from "./middleware/request-context";
import { requireApiKey, requireIdToken } from "./middleware/require-auth";
import { accountsRoutes, disconnectRoutes } from "./routes/accounts-routes";
import { integrationsRoutes } from "./routes/integrations-routes";
import { localMediaFiles, localMediaUploads, mediaRoutes } from "./routes/media-routes";
import { oauthRoutes } from "./routes/oauth-routes";
import { docsRoutes } from "./routes/docs-routes";
import { openApiRoutes } from "./routes/openapi-routes";
import { apiKeysRoutes } from "./routes/api-keys-routes";
import { eventsRoutes } from "./routes/events-routes";
import { postsRoutes } from "./routes/posts-routes";
import { webhooksRoutes } from "./routes/webhooks-routes";

/**
 * The public API. `index.ts` serves it as the `api` function; tests serve it through supertest.
 * Every request is identified, then rate-limited (so refusals are counted too), then authorized.
 */
export function createApp(deps: DepsProvider): Express {
  const app = express();
  app.disable("x-powered-by");
  // Behind Google's front end: the client is the address it appended, never what a client wrote.
  app.set(
    "trust proxy",
    trustProxyHops(() => deps().trustedProxyHops()),
  );
  app.use(requestContext);
  // The API's description: public, static, cached by clients; not counted against anyone.
  app.use("/v1", openApiRoutes());
  // Its browsable reference (a static page over that document), likewise.
  app.use("/docs", docsRoutes());

  // Key management and account connections: Firebase ID tokens only (never an API key).
  app.use("/v1/api-keys", identifyIdToken(deps), rateLimit(deps), requireIdToken, jsonBody, apiKeysRoutes(deps));
  const connections = [identifyIdToken(deps, "connect or disconnect accounts"), rateLimit(deps), requireIdToken];
  app.use("/v1/integrations", ...connections, jsonBody, integrationsRoutes(deps));
  app.delete("/v1/accounts/:platform/:accountId", ...connections);
  app.use("/v1/accounts", disconnectRoutes(deps));
  // The platforms' redirects after consent: anonymous browsers. Not behind the limiter: checking the
  // state is one document read, cheaper than the limiter's own write for every request.
  app.use("/oauth", oauthRoutes(deps));
  // Media files on the local stack (Cloud Storage serves them in production).
  app.use("/media-files", localMediaFiles(deps));
  app.use("/media-uploads", localMediaUploads(deps));

  // Content routes: API keys, server-side only. Every other request is identified and counted
  // too (a flood of unknown paths is limited like anything else), then answered 404 whatever its body.
  app.use(identifyApiKey(deps), rateLimit(deps));
  const content = [rejectBrowserOrigin, jsonBody, requireApiKey(deps)];
  app.use("/v1/posts", ...content, postsRoutes(deps));
  app.use("/v1/accounts", ...content, accountsRoutes(deps));
  app.use("/v1/media", ...content, mediaRoutes(deps));
  app.use("/v1/webhooks", ...content, webhooksRoutes(deps));
  app.use("/v1/events", ...content, eventsRoutes(deps));
  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}
