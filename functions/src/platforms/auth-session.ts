import type { AccountRef } from "../domain/account-ref";
import { expiresSoon, type Credentials } from "../domain/credentials";
import { accountDisconnectedError, PublishError } from "../domain/publish-error";
import type { CredentialStore, StoredCredentials } from "../store/credential-store";
import type { HttpClient } from "./http-client";
import type { OAuthProvider } from "./oauth-provider";
import type { AuthSession, PlatformAdapter } from "./platform-adapter";

/** Refresh this long before the access token expires, so a publish never starts with a dying token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One delivery's view of an account's credentials: read once, refreshed when near expiry, and
 * refreshed at most once more when the platform rejects the token. Anything beyond that is
 * `auth_expired`: the user must reconnect, and retrying cannot help. An account the user
 * disconnected (before the delivery, or while it refreshed) is `account_disconnected`, as its
 * scheduled runs are.
 */
export class StoredAuthSession implements AuthSession {
  private current: StoredCredentials | null = null;
  private refreshedOnRejection = false;

  constructor(
    private readonly store: CredentialStore,
    private readonly account: AccountRef,
    private readonly adapter: Pick<PlatformAdapter, "refresh">,
    private readonly oauth: Pick<OAuthProvider, "revoke">,
    private readonly http: HttpClient,
    private readonly clock: () => Date,
  ) {}

  async credentials(): Promise<Credentials> {
    if (!this.current) {
      const found = await this.store.readForUse(this.account);
      if (found === "disconnected") throw accountDisconnectedError(this.account.platform, this.account.accountId);
      if (found === "missing") throw this.expired("it is not connected (its credentials were never stored)");
      this.current = found;
    }
    const now = this.clock();
    if (expiresSoon(this.current.credentials, now, REFRESH_MARGIN_MS)) {
      const refreshed = await this.refresh(this.current);
      if (refreshed) this.current = refreshed;
      else if (expiresSoon(this.current.credentials, now, 0)) throw this.expired("its token expired");
    }
    return this.current.credentials;
  }

  async refreshAfterRejection(used: Credentials): Promise<Credentials> {
    const current = this.current;
    if (!current || this.refreshedOnRejection) throw this.expired("the platform rejected its token");
    this.refreshedOnRejection = true;
    if (current.credentials.accessToken !== used.accessToken) return current.credentials;
    const refreshed = await this.refresh(current);
    if (!refreshed) throw this.expired("the platform rejected its token and it cannot be refreshed");
    this.current = refreshed;
    return refreshed.credentials;
  }

  private refresh(current: StoredCredentials): Promise<StoredCredentials | null> {
    return this.store.refresh(this.account, current.version, {
      grant: (c) => this.adapter.refresh(c, this.http),
      revoke: (c) => this.oauth.revoke(c, this.http),
    });
  }

  private expired(why: string): PublishError {
    return new PublishError(
      "auth_expired",
      `The ${this.account.platform} account '${this.account.accountId}' must be reconnected: ${why}.`,
    );
  }
}
