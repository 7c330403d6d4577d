import type { Credentials } from "../../src/domain/credentials";
import type { Platform } from "../../src/domain/platforms";
import { liveAdapters } from "../../src/platforms/live-adapters";
import type { PlatformSettings } from "../../src/platforms/platform-settings";
import { defaultAdapterRegistry, type AdapterRegistry } from "../../src/platforms/registry";
import { CredentialStore } from "../../src/store/credential-store";
import { allFakes, type Fakes } from "../../fakes/all-fakes";
import type { FakePlatform } from "../../fakes/kit/fake-platform";
import { MediaServer } from "../../fakes/kit/media-server";
import type { Harness } from "./harness";
import { TEST_KEYRING } from "./keyring";
import { accountExtra } from "../../dev/seed";

/**
 * Every platform's fake server and a media server, started on free ports, with the live adapters
 * pointed at them: what an integration test needs to publish with a sk_live_ key.
 */
export class LivePlatforms {
  readonly fakes: Fakes = allFakes();
  readonly media = new MediaServer();
  readonly settings = {} as Record<Platform, PlatformSettings>;

  async start(): Promise<void> {
    await this.media.start();
    for (const [platform, fake] of Object.entries(this.fakes) as [Platform, FakePlatform][]) {
      const url = await fake.listen();
      this.settings[platform] = {
        apiUrl: url,
        authUrl: url,
        consentUrl: url,
        clientId: fake.clientId,
        clientSecret: () => fake.clientSecret,
      };
    }
  }

  /** The fakes date posts by Postcast's clock, so a test that moves it moves the platforms' time too. */
  followClock(clock: () => Date): void {
    for (const fake of Object.values(this.fakes) as FakePlatform[]) fake.clock = () => clock().getTime();
  }

  async stop(): Promise<void> {
    await Promise.all([...Object.values(this.fakes).map((f: FakePlatform) => f.close()), this.media.stop()]);
  }

  registry(): AdapterRegistry {
    return defaultAdapterRegistry(liveAdapters((p) => this.settings[p]));
  }

  /**
   * Connects an account as the OAuth flow will: the fake issues tokens, and they are stored
   * sealed through the credential store with the platform ids the adapter needs.
   */
  async connect(
    h: Harness,
    userId: string,
    platform: Platform,
    accountId: string,
    options: { ttlSeconds?: number | null; refresh?: boolean; expiresAt?: string | null } = {},
  ) {
    const fake = this.fakes[platform];
    const grant = fake.grant(accountId, {
      ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
      ...(options.refresh !== undefined ? { refresh: options.refresh } : {}),
    });
    const credentials: Credentials = {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt:
        options.expiresAt !== undefined
          ? options.expiresAt
          : grant.expiresAt === null
            ? null
            : new Date(grant.expiresAt).toISOString(),
      refreshTokenExpiresAt: null,
      issuedAt: new Date(grant.issuedAt - 48 * 3600_000).toISOString(),
      scope: null,
      extra: accountExtra(platform, accountId),
    };
    await new CredentialStore(h.db, () => TEST_KEYRING).write({ userId, platform, accountId }, credentials);
    return grant;
  }
}
