import type { HttpClient } from "../http-client";
import {
  bearer,
  exchangeCode,
  readProfile,
  requiredId,
  urlWithQuery,
  type AuthorizeRequest,
  type CodeExchange,
  type ConnectableAccount,
  type OAuthProvider,
} from "../oauth-provider";
import { stringField } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";

/**
 * Snap's OAuth for the Public Profile API (allowlisted apps only): the connected account is the
 * user's public profile, whose id the publishing endpoints take. Snap documents no revocation
 * endpoint; the user removes the app in their Snapchat settings.
 */
export class SnapchatOAuth implements OAuthProvider {
  readonly platform = "snapchat" as const;
  readonly scopes = ["snapchat-profile-api"];
  readonly usesPkce = false;

  constructor(private readonly settings: PlatformSettings) {}

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/login/oauth2/authorize`, {
      client_id: this.settings.clientId,
      redirect_uri: request.redirectUri,
      response_type: "code",
      scope: this.scopes.join(" "),
      state: request.state,
    });
  }

  async connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]> {
    const credentials = await exchangeCode(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/login/oauth2/access_token`,
        form: {
          grant_type: "authorization_code",
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
          code: exchange.code,
          redirect_uri: exchange.redirectUri,
        },
      },
      now,
    );
    const me = await readProfile(
      http,
      { method: "GET", url: `${this.settings.apiUrl}/v1/public_profiles/my_profile`, headers: bearer(credentials) },
      "Snapchat public profile",
    );
    const id = requiredId(stringField(me, "public_profile", "id"), "Snapchat public profile");
    const username = stringField(me, "public_profile", "username") ?? null;
    return [
      {
        accountId: id,
        username,
        displayName: stringField(me, "public_profile", "display_name") ?? null,
        avatarUrl: stringField(me, "public_profile", "logo_urls", "original_logo_url") ?? null,
        credentials: { ...credentials, extra: { profileId: id, ...(username ? { username } : {}) } },
      },
    ];
  }

  revoke(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
