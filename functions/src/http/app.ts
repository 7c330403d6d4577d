import express, { type Express, type RequestHandler, type Router } from "express";
import { trustProxyHops } from "./client-address";
import type { DepsProvider } from "./deps";
import { errorHandler, notFound } from "./middleware/error-handler";
import { identifyApiKey, identifyIdToken } from "./middleware/identify";
import { jsonBody } from "./middleware/json-body";
import { rateLimit } from "./middleware/rate-limit";
import { rejectBrowserOrigin } from "./middleware/reject-browser-origin";
import { requestContext } from "./middleware/request-context";
import { requireApiKey, requireIdToken } from "./middleware/require-auth";
import type * as AccountsRoutes from "./routes/accounts-routes";
import type * as ApiKeysRoutes from "./routes/api-keys-routes";
import type * as DocsRoutes from "./routes/docs-routes";
import type * as EventsRoutes from "./routes/events-routes";
import type * as IntegrationsRoutes from "./routes/integrations-routes";
import type * as MediaRoutes from "./routes/media-routes";
import type * as OAuthRoutes from "./routes/oauth-routes";
import type * as OpenApiRoutes from "./routes/openapi-routes";
import type * as TemplatesRoutes from "./routes/templates-routes";
import { postsRoutes } from "./routes/posts-routes";
import type * as WebhooksRoutes from "./routes/webhooks-routes";

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on their first request, see onFirstRequest */
const accounts = () => require("./routes/accounts-routes") as typeof AccountsRoutes;
const apiKeys = () => require("./routes/api-keys-routes") as typeof ApiKeysRoutes;
const docs = () => require("./routes/docs-routes") as typeof DocsRoutes;
const events = () => require("./routes/events-routes") as typeof EventsRoutes;
const integrations = () => require("./routes/integrations-routes") as typeof IntegrationsRoutes;
const media = () => require("./routes/media-routes") as typeof MediaRoutes;
const oauth = () => require("./routes/oauth-routes") as typeof OAuthRoutes;
const openApi = () => require("./routes/openapi-routes") as typeof OpenApiRoutes;
const templates = () => require("./routes/templates-routes") as typeof TemplatesRoutes;
const webhooks = () => require("./routes/webhooks-routes") as typeof WebhooksRoutes;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A router loaded and built on the first request that reaches it: an api instance pays at start
 * only for the app and the posts routes (the hot path), and for each other group of routes when it
 * first serves one. Its `stack` is the router's, so whoever lists the app's routes sees them all.
 */
function onFirstRequest(build: () => Router): RequestHandler {
  let router: Router | undefined;
  const get = () => (router ??= build());
  const handler: RequestHandler = (req, res, next) => get()(req, res, next);
  return Object.defineProperty(handler, "stack", { get: () => get().stack });
}

/**
 * The public API. `index.ts` serves it as the `api` function; tests serve it through supertest.
 * Every request is identified, then rate-limited (so refusals are counted too), then authorized.
 */
export function createApp(deps: DepsProvider): Express {
  const app = express();
  app.disable("x-powered-by");
  // Every group of routes but the posts' is loaded by the first request that reaches it.
  const openApiRoutes = onFirstRequest(() => openApi().openApiRoutes());
  const docsRoutes = onFirstRequest(() => docs().docsRoutes());
  const apiKeysRoutes = onFirstRequest(() => apiKeys().apiKeysRoutes(deps));
  const integrationsRoutes = onFirstRequest(() => integrations().integrationsRoutes(deps));
  const disconnectRoutes = onFirstRequest(() => accounts().disconnectRoutes(deps));
  const oauthRoutes = onFirstRequest(() => oauth().oauthRoutes(deps));
  const localMediaFiles = onFirstRequest(() => media().localMediaFiles(deps));
  const localMediaUploads = onFirstRequest(() => media().localMediaUploads(deps));
  const accountsRoutes = onFirstRequest(() => accounts().accountsRoutes(deps));
  const mediaRoutes = onFirstRequest(() => media().mediaRoutes(deps));
  const templatesRoutes = onFirstRequest(() => templates().templatesRoutes(deps));
  const webhooksRoutes = onFirstRequest(() => webhooks().webhooksRoutes(deps));
  const eventsRoutes = onFirstRequest(() => events().eventsRoutes(deps));
  // Behind Google's front end: the client is the address it appended, never what a client wrote.
  app.set(
    "trust proxy",
    trustProxyHops(() => deps().trustedProxyHops()),
  );
  app.use(requestContext);
  // The API's description: public, static, cached by clients; not counted against anyone.
  app.use("/v1", openApiRoutes);
  // Its browsable reference (a static page over that document), likewise.
  app.use("/docs", docsRoutes);

  // Key management and account connections: Firebase ID tokens only (never an API key).
  app.use("/v1/api-keys", identifyIdToken(deps), rateLimit(deps), requireIdToken, jsonBody, apiKeysRoutes);
  const connections = [identifyIdToken(deps, "connect or disconnect accounts"), rateLimit(deps), requireIdToken];
  app.use("/v1/integrations", ...connections, jsonBody, integrationsRoutes);
  app.delete("/v1/accounts/:platform/:accountId", ...connections);
  app.use("/v1/accounts", disconnectRoutes);
  // The platforms' redirects after consent: anonymous browsers. Not behind the limiter: checking the
  // state is one document read, cheaper than the limiter's own write for every request.
  app.use("/oauth", oauthRoutes);
  // Media files on the local stack (Cloud Storage serves them in production).
  app.use("/media-files", localMediaFiles);
  app.use("/media-uploads", localMediaUploads);

  // Content routes: API keys, server-side only. Every other request is identified and counted
  // too (a flood of unknown paths is limited like anything else), then answered 404 whatever its body.
  app.use(identifyApiKey(deps), rateLimit(deps));
  const content = [rejectBrowserOrigin, jsonBody, requireApiKey(deps)];
  app.use("/v1/posts", ...content, postsRoutes(deps));
  app.use("/v1/accounts", ...content, accountsRoutes);
  app.use("/v1/media", ...content, mediaRoutes);
  app.use("/v1/templates", ...content, templatesRoutes);
  app.use("/v1/webhooks", ...content, webhooksRoutes);
  app.use("/v1/events", ...content, eventsRoutes);
  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}
