import type { AppDeps } from "../http/deps";
import { createApp } from "../http/app";
import { HttpClient } from "../platforms/http-client";
import { getDb } from "../store/firestore";
import { buildAppDeps } from "./app-deps";
import { apiPublicUrl, connectReturnUrls, oauthCallbackUrl } from "./connect-settings";
import { credentialsKeyring } from "./credentials-key";
import { idTokenVerifier } from "./id-tokens";
import { mediaSettings } from "./media-settings";
import { lazy } from "./on-first-use";
import { trustedProxyHops } from "./params";
import { platformSettings } from "./platform-settings";
import { rateLimitConfig } from "./rate-limits";
import { clock, enqueuer, OAUTH_TIMEOUT_MS, platformOAuth } from "./runtime";
import { webhookRequestOptions } from "./webhook-settings";

/** The api function's wiring: loaded only by the api's instances (index.ts). */

export const appDeps = lazy<AppDeps>(() =>
  buildAppDeps(getDb(), {
    enqueuer: enqueuer(),
    clock,
    verifyIdToken: idTokenVerifier({ checkRevoked: true }),
    rateLimitConfig: lazy(() => rateLimitConfig()),
    keyring: credentialsKeyring,
    oauth: {
      provider: platformOAuth,
      configured: (platform) => platformSettings(platform).clientId !== "",
      http: new HttpClient({ timeoutMs: OAUTH_TIMEOUT_MS }),
      apiUrl: apiPublicUrl,
      callbackUrl: oauthCallbackUrl,
      returnUrls: connectReturnUrls,
    },
    media: mediaSettings(),
    webhookRequest: lazy(webhookRequestOptions),
    trustedProxyHops: () => trustedProxyHops.value(),
  }),
);

export const app = createApp(appDeps);
