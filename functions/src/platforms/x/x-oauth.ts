import type { Credentials } from "../../domain/credentials";
import type { HttpClient } from "../http-client";
import {
  bearer,
  exchangeCode,
  readProfile,
  requiredId,
  revokeAt,
  urlWithQuery,
  type AuthorizeRequest,
  type CodeExchange,
  type ConnectableAccount,
  type OAuthProvider,
} from "../oauth-provider";
import { stringField } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";

/**
 * X: OAuth 2.0 with PKCE, a confidential client (Basic auth on the token endpoint), and
 * `offline.access` so a rotating refresh token is issued. Codes live 30 seconds: the callback
 * exchanges at once.
 */
export class XOAuth implements OAuthProvider {
  readonly platform = "x" as const;
  readonly scopes = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"];
  readonly usesPkce = true;

  constructor(private readonly settings: PlatformSettings) {}

  private basic(): string {
    return `Basic ${Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret()}`).toString("base64")}`;
  }

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/i/oauth2/authorize`, {
      response_type: "code",
      client_id: this.settings.clientId,
      redirect_uri: request.redirectUri,
      scope: this.scopes.join(" "),
      state: request.state,
      code_challenge: request.codeChallenge ?? undefined,
      code_challenge_method: "S256",
    });
  }

  async connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]> {
    const credentials = await exchangeCode(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/2/oauth2/token`,
        headers: { authorization: this.basic() },
        form: {
          grant_type: "authorization_code",
          code: exchange.code,
          redirect_uri: exchange.redirectUri,
          code_verifier: exchange.codeVerifier ?? undefined,
          client_id: this.settings.clientId,
        },
      },
      now,
    );
    const me = await readProfile(
      http,
      {
        method: "GET",
        url: `${this.settings.apiUrl}/2/users/me`,
        query: { "user.fields": "profile_image_url" },
        headers: bearer(credentials),
      },
      "X user",
    );
    const id = requiredId(stringField(me, "data", "id"), "X user");
    const username = stringField(me, "data", "username") ?? null;
    return [
      {
        accountId: id,
        username,
        displayName: stringField(me, "data", "name") ?? null,
        avatarUrl: stringField(me, "data", "profile_image_url") ?? null,
        credentials: { ...credentials, extra: { userId: id, ...(username ? { username } : {}) } },
      },
    ];
  }

  revoke(credentials: Credentials, http: HttpClient): Promise<boolean> {
    return revokeAt(http, {
      method: "POST",
      url: `${this.settings.authUrl}/2/oauth2/revoke`,
      headers: { authorization: this.basic() },
      form: {
        token: credentials.refreshToken ?? credentials.accessToken,
        token_type_hint: credentials.refreshToken ? "refresh_token" : "access_token",
        client_id: this.settings.clientId,
      },
    });
  }
}
