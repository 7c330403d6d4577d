import type { Credentials } from "../../domain/credentials";
import type { HttpClient } from "../http-client";
import {
  ConnectError,
  bearer,
  exchangeCode,
  readProfile,
  requireScope,
  revokeAt,
  urlWithQuery,
  type AuthorizeRequest,
  type CodeExchange,
  type ConnectableAccount,
  type OAuthProvider,
} from "../oauth-provider";
import { field, stringField } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";

const UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload";

/**
 * Google OAuth for a YouTube channel. `access_type=offline` with `prompt=consent` makes Google
 * issue a refresh token on every connection, so a reconnect after a revoked or expired grant
 * gets a working one (without `prompt`, Google resends none, and the dead one would be kept).
 * `youtube.readonly` reads the channel and the processing status of uploads.
 */
export class YouTubeOAuth implements OAuthProvider {
  readonly platform = "youtube" as const;
  readonly scopes = [UPLOAD_SCOPE, "https://www.googleapis.com/auth/youtube.readonly"];
  readonly usesPkce = false;

  constructor(private readonly settings: PlatformSettings) {}

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/o/oauth2/v2/auth`, {
      client_id: this.settings.clientId,
      redirect_uri: request.redirectUri,
      response_type: "code",
      scope: this.scopes.join(" "),
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
      state: request.state,
    });
  }

  async connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]> {
    const credentials = await exchangeCode(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/token`,
        form: {
          code: exchange.code,
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
          redirect_uri: exchange.redirectUri,
          grant_type: "authorization_code",
        },
      },
      now,
    );
    requireScope(credentials, UPLOAD_SCOPE, "YouTube");
    const channels = await readProfile(
      http,
      {
        method: "GET",
        url: `${this.settings.apiUrl}/youtube/v3/channels`,
        query: { part: "snippet", mine: "true" },
        headers: bearer(credentials),
      },
      "YouTube channel",
    );
    const items = field(channels, "items");
    const channel: unknown = Array.isArray(items) ? items[0] : undefined;
    const id = stringField(channel, "id");
    if (!id) {
      throw new ConnectError(
        "no_eligible_account",
        "This Google account has no YouTube channel; create one on YouTube and connect again.",
      );
    }
    return [
      {
        accountId: id,
        username: stringField(channel, "snippet", "customUrl") ?? null,
        displayName: stringField(channel, "snippet", "title") ?? null,
        avatarUrl: stringField(channel, "snippet", "thumbnails", "default", "url") ?? null,
        credentials: { ...credentials, extra: { channelId: id } },
      },
    ];
  }

  revoke(credentials: Credentials, http: HttpClient): Promise<boolean> {
    return revokeAt(http, {
      method: "POST",
      url: `${this.settings.authUrl}/revoke`,
      form: { token: credentials.refreshToken ?? credentials.accessToken },
    });
  }
}
