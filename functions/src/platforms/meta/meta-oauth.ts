import type { Credentials } from "../../domain/credentials";
import type { HttpClient } from "../http-client";
import {
  ConnectError,
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

/** What differs between the Threads and Instagram logins. */
export interface MetaLogin {
  platform: "threads" | "instagram";
  scopes: string[];
  exchangeGrantType: "th_exchange_token" | "ig_exchange_token";
  /** The profile path and fields under the API origin. */
  profilePath: string;
  profileFields: string;
  /** Reads the account from the profile; throws `no_eligible_account` for one that cannot publish. */
  account(profile: unknown): Omit<ConnectableAccount, "credentials">;
}

/**
 * Threads and Instagram (Instagram Login): the code gives a 1-hour token, exchanged at once for a
 * 60-day long-lived token that renews itself (no refresh token). Neither has a revocation
 * endpoint: the user removes the app in the platform's settings.
 */
export class MetaOAuth implements OAuthProvider {
  readonly usesPkce = false;

  constructor(
    private readonly settings: PlatformSettings,
    private readonly login: MetaLogin,
  ) {}

  get platform() {
    return this.login.platform;
  }

  get scopes() {
    return this.login.scopes;
  }

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/oauth/authorize`, {
      client_id: this.settings.clientId,
      redirect_uri: request.redirectUri,
      scope: this.scopes.join(","),
      response_type: "code",
      state: request.state,
    });
  }

  async connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]> {
    const shortLived = await exchangeCode(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/oauth/access_token`,
        form: {
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
          grant_type: "authorization_code",
          redirect_uri: exchange.redirectUri,
          // Instagram appends `#_` to the code it redirects with.
          code: exchange.code.replace(/#_$/, ""),
        },
      },
      now,
    );
    const longLived = await exchangeCode(
      http,
      {
        method: "GET",
        url: `${this.settings.apiUrl}/access_token`,
        query: {
          grant_type: this.login.exchangeGrantType,
          client_secret: this.settings.clientSecret(),
          access_token: shortLived.accessToken,
        },
      },
      now,
    );
    const profile = await readProfile(
      http,
      {
        method: "GET",
        url: `${this.settings.apiUrl}${this.login.profilePath}`,
        query: { fields: this.login.profileFields, access_token: longLived.accessToken },
      },
      `${this.platform} profile`,
    );
    const account = this.login.account(profile);
    const credentials: Credentials = { ...longLived, scope: shortLived.scope, extra: { userId: account.accountId } };
    if (account.username) credentials.extra.username = account.username;
    return [{ ...account, credentials }];
  }

  revoke(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

export function threadsLogin(): MetaLogin {
  return {
    platform: "threads",
    scopes: ["threads_basic", "threads_content_publish"],
    exchangeGrantType: "th_exchange_token",
    profilePath: "/v1.0/me",
    profileFields: "id,username,name,threads_profile_picture_url",
    account: (p) => ({
      accountId: requiredId(stringField(p, "id"), "Threads profile"),
      username: stringField(p, "username") ?? null,
      displayName: stringField(p, "name") ?? null,
      avatarUrl: stringField(p, "threads_profile_picture_url") ?? null,
    }),
  };
}

const PROFESSIONAL = new Set(["BUSINESS", "MEDIA_CREATOR"]);

export function instagramLogin(graphVersion: string): MetaLogin {
  return {
    platform: "instagram",
    scopes: ["instagram_business_basic", "instagram_business_content_publish"],
    exchangeGrantType: "ig_exchange_token",
    profilePath: `/${graphVersion}/me`,
    profileFields: "user_id,username,name,account_type,profile_picture_url",
    account: (p) => {
      const type = stringField(p, "account_type");
      if (type && !PROFESSIONAL.has(type)) {
        throw new ConnectError(
          "no_eligible_account",
          "Only Instagram professional accounts (Business or Creator) can publish through the API; switch the account to a professional one and connect again.",
        );
      }
      return {
        // `user_id` is the professional account's id that the publishing endpoints take.
        accountId: requiredId(stringField(p, "user_id") ?? stringField(p, "id"), "Instagram profile"),
        username: stringField(p, "username") ?? null,
        displayName: stringField(p, "name") ?? null,
        avatarUrl: stringField(p, "profile_picture_url") ?? null,
      };
    },
  };
}
