import type { Credentials } from "../../domain/credentials";
import type { HttpClient } from "../http-client";
import { GRAPH_VERSION } from "../meta/graph-version";
import {
  ConnectError,
  exchangeCode,
  readProfile,
  urlWithQuery,
  type AuthorizeRequest,
  type CodeExchange,
  type ConnectableAccount,
  type OAuthProvider,
} from "../oauth-provider";
import { field, stringField } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";

/** Pages listed per request, and how many pages of results are read at most. */
const PAGE_LIMIT = 100;
const MAX_REQUESTS = 10;

/**
 * Facebook Login for Pages: the code gives a short-lived user token, exchanged for a long-lived
 * one, whose `/me/accounts` lists the Pages the user granted with a Page token each. Page tokens
 * from a long-lived user token do not expire. Each Page the user can post to is an account; the
 * user picks which in Facebook's dialog, and again in Postcast when several come back.
 */
export class FacebookOAuth implements OAuthProvider {
  readonly platform = "facebook" as const;
  readonly scopes = ["pages_show_list", "pages_read_engagement", "pages_manage_posts"];
  readonly usesPkce = false;

  constructor(private readonly settings: PlatformSettings) {}

  authorizeUrl(request: AuthorizeRequest): string {
    return urlWithQuery(`${this.settings.consentUrl}/${GRAPH_VERSION}/dialog/oauth`, {
      client_id: this.settings.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      scope: this.scopes.join(","),
      response_type: "code",
    });
  }

  async connect(exchange: CodeExchange, http: HttpClient, now: Date): Promise<ConnectableAccount[]> {
    const tokenUrl = `${this.settings.authUrl}/${GRAPH_VERSION}/oauth/access_token`;
    const client = { client_id: this.settings.clientId, client_secret: this.settings.clientSecret() };
    const short = await exchangeCode(
      http,
      { method: "GET", url: tokenUrl, query: { ...client, redirect_uri: exchange.redirectUri, code: exchange.code } },
      now,
    );
    const user = await exchangeCode(
      http,
      {
        method: "GET",
        url: tokenUrl,
        query: { ...client, grant_type: "fb_exchange_token", fb_exchange_token: short.accessToken },
      },
      now,
    );
    const pages = await this.pages(http, user);
    if (pages.length === 0) {
      throw new ConnectError(
        "no_eligible_account",
        "No Facebook Page was granted that you can create content on; connect again and select a Page.",
      );
    }
    return pages;
  }

  private async pages(http: HttpClient, user: Credentials): Promise<ConnectableAccount[]> {
    const accounts: ConnectableAccount[] = [];
    let url: string | undefined = urlWithQuery(`${this.settings.apiUrl}/${GRAPH_VERSION}/me/accounts`, {
      fields: "id,name,username,access_token,picture,tasks",
      limit: String(PAGE_LIMIT),
      access_token: user.accessToken,
    });
    for (let i = 0; url && i < MAX_REQUESTS; i += 1) {
      const body = await readProfile(http, { method: "GET", url }, "Facebook Pages");
      const data = field(body, "data");
      for (const page of Array.isArray(data) ? (data as unknown[]) : []) {
        const account = this.page(page, user);
        if (account) accounts.push(account);
      }
      url = stringField(body, "paging", "next");
    }
    return accounts;
  }

  /** A Page Postcast can publish to: it has a token and the user may create content on it. */
  private page(page: unknown, user: Credentials): ConnectableAccount | null {
    const id = stringField(page, "id");
    const token = stringField(page, "access_token");
    const tasks = field(page, "tasks");
    const canPost = !Array.isArray(tasks) || tasks.includes("CREATE_CONTENT") || tasks.includes("MANAGE");
    if (!id || !token || !canPost) return null;
    return {
      accountId: id,
      username: stringField(page, "username") ?? null,
      displayName: stringField(page, "name") ?? null,
      avatarUrl: stringField(page, "picture", "data", "url") ?? null,
      credentials: {
        accessToken: token,
        refreshToken: null,
        expiresAt: null,
        refreshTokenExpiresAt: null,
        issuedAt: user.issuedAt,
        scope: user.scope,
        extra: { pageId: id },
      },
    };
  }

  /** Not revoked: the grant covers every Page the user chose, and removing one must not cut the others. */
  revoke(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
