import { defineString } from "firebase-functions/params";
import type { Platform } from "../domain/platforms";
import { REGION } from "./params";
import { projectId } from "./project";

const callbackBase = defineString("OAUTH_CALLBACK_BASE_URL", {
  default: "",
  description:
    "Public base URL of the api function, where platforms redirect after consent (empty: https://REGION-PROJECT.cloudfunctions.net/api)",
});

const returnUrls = defineString("CONNECT_RETURN_URLS", {
  default: "",
  description: "Comma-separated URL prefixes a connect request's returnTo may point at (the dashboard's pages)",
});

/** Where the API is reached from outside; the redirect URIs registered with each platform live under it. */
export function apiPublicUrl(): string {
  const configured = callbackBase.value().replace(/\/$/, "");
  return configured || `https://${REGION}-${projectId()}.cloudfunctions.net/api`;
}

/** The redirect URI to register with a platform's app: `<api>/oauth/<platform>/callback`. */
export function oauthCallbackUrl(platform: Platform): string {
  return `${apiPublicUrl()}/oauth/${platform}/callback`;
}

export function connectReturnUrls(): string[] {
  return returnUrls
    .value()
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
}
