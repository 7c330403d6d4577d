import type { Credentials } from "../../domain/credentials";
import type { HttpClient } from "../http-client";
import {
  bearer,
  exchangeCode,
  readProfile,
  requireScope,
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
 * TikTok Login Kit v2: `client_key` instead of client_id, PKCE, and rotating refresh tokens whose
 * lifetimes come with every answer. A user may untick `video.publish`; such a grant is refused
 * at connect time rather than at the first publish.
 */
export class TikTokOAuth implements OAuthProvider {
  readonly platform = "tiktok" as const;
  readonly scopes = ["user.info.basic", "video.publish", "video.upload"];
  readonly usesPkce = true;

  constructor(private readonly settings: PlatformSettings) {}

  private client() {
    return { client_key: this.settings.clientId, client_secret: this.settings.clientSecret() };
  }

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/v2/auth/authorize/`, {
      client_key: this.settings.clientId,
      response_type: "code",
      scope: this.scopes.join(","),
      redirect_uri: request.redirectUri,
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
        url: `${this.settings.authUrl}/v2/oauth/token/`,
        form: {
          ...this.client(),
          code: exchange.code,
          grant_type: "authorization_code",
          redirect_uri: exchange.redirectUri,
          code_verifier: exchange.codeVerifier ?? undefined,
        },
      },
      now,
    );
    requireScope(credentials, "video.publish", "TikTok");
    const info = await readProfile(
      http,
      {
        method: "GET",
        url: `${this.settings.apiUrl}/v2/user/info/`,
        query: { fields: "open_id,avatar_url,display_name" },
        headers: bearer(credentials),
      },
      "TikTok user",
    );
    const openId = requiredId(stringField(info, "data", "user", "open_id"), "TikTok user");
    // `username` in user/info needs the reviewed `user.info.profile` scope; the creator info that
    // `video.publish` already grants carries it.
    const creator = await readProfile(
      http,
      {
        method: "POST",
        url: `${this.settings.apiUrl}/v2/post/publish/creator_info/query/`,
        json: {},
        headers: bearer(credentials),
      },
      "TikTok creator",
    );
    const username = stringField(creator, "data", "creator_username") ?? null;
    return [
      {
        accountId: openId,
        username,
        displayName: stringField(info, "data", "user", "display_name") ?? null,
        avatarUrl: stringField(info, "data", "user", "avatar_url") ?? null,
        credentials: { ...credentials, extra: { openId, ...(username ? { username } : {}) } },
      },
    ];
  }

  revoke(credentials: Credentials, http: HttpClient): Promise<boolean> {
    return revokeAt(http, {
      method: "POST",
      url: `${this.settings.authUrl}/v2/oauth/revoke/`,
      form: { ...this.client(), token: credentials.accessToken },
    });
  }
}
