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
 * LinkedIn members: OpenID Connect for the member id (`sub`, the author URN's id) and
 * `w_member_social` to post. Access tokens last 60 days; refresh tokens come only to approved
 * partner apps, so most connections end after 60 days and the account shows `expiring` a week
 * before.
 */
export class LinkedInOAuth implements OAuthProvider {
  readonly platform = "linkedin" as const;
  readonly scopes = ["openid", "profile", "w_member_social"];
  readonly usesPkce = false;

  constructor(private readonly settings: PlatformSettings) {}

  private client() {
    return { client_id: this.settings.clientId, client_secret: this.settings.clientSecret() };
  }

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/oauth/v2/authorization`, {
      response_type: "code",
      client_id: this.settings.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      scope: this.scopes.join(" "),
    });
  }

  async connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]> {
    const credentials = await exchangeCode(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/oauth/v2/accessToken`,
        form: {
          grant_type: "authorization_code",
          code: exchange.code,
          redirect_uri: exchange.redirectUri,
          ...this.client(),
        },
      },
      now,
    );
    const me = await readProfile(
      http,
      { method: "GET", url: `${this.settings.apiUrl}/v2/userinfo`, headers: bearer(credentials) },
      "LinkedIn member",
    );
    const sub = requiredId(stringField(me, "sub"), "LinkedIn member");
    return [
      {
        accountId: sub,
        username: null,
        displayName: stringField(me, "name") ?? null,
        avatarUrl: stringField(me, "picture") ?? null,
        credentials: { ...credentials, extra: { authorUrn: `urn:li:person:${sub}` } },
      },
    ];
  }

  revoke(credentials: Credentials, http: HttpClient): Promise<boolean> {
    return revokeAt(http, {
      method: "POST",
      url: `${this.settings.authUrl}/oauth/v2/revoke`,
      form: { ...this.client(), token: credentials.accessToken },
    });
  }
}
