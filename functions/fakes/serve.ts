/**
 * `npm run fakes`: every platform's fake server on its fixed local port (the ones
 * functions/.env.local points the emulated publishers at) and a media server, until Ctrl-C.
 * `npm start` runs them too, so a sk_live_ key publishes end to end on the local stack.
 */
import type { Platform } from "../src/domain/platforms";
import { allFakes, type Fakes } from "./all-fakes";
import { MediaServer } from "./kit/media-server";

export const FAKE_PORTS: Record<Platform, number> = {
  x: 9101,
  threads: 9102,
  instagram: 9103,
  facebook: 9104,
  linkedin: 9105,
  tiktok: 9106,
  youtube: 9107,
  snapchat: 9108,
};
export const MEDIA_PORT = 9100;

const CONTROL_HELP = `Control routes on each fake:
  GET  /_fake/posts         what was published
  GET  /_fake/received      media uploaded in full: size and SHA-256 (the bytes are never kept)
  POST /_fake/grants        {accountId, accessToken?, ttlSeconds?}: issue a token pair directly
  POST|DELETE /_fake/faults inject a fault (see fakes/kit/fake-platform.ts) / clear them
  POST /_fake/sign-in       {accountId, username?, displayName?, avatarUrl?, email?, accountType?, pages?, channel?}:
                            who the authorize page approves as (default <platform>_connected)
  POST /_fake/consent       {consent?: "approve"|"deny", grantedScopes?: string[]|null}: what the user answers
The authorize pages approve at once as the signed-in profile; apps: client id postcast-local-<platform>,
secret postcast-local-<platform>-secret.`;

/** Starts every fake and the media server: on the fixed ports above, or on free ones (`anyPorts`). */
export async function startFakes(options: { anyPorts?: boolean } = {}): Promise<{
  fakes: Fakes;
  media: MediaServer;
  urls: Record<string, string>;
  stop: () => Promise<void>;
}> {
  const fakes = allFakes();
  const media = new MediaServer();
  const urls: Record<string, string> = { media: await media.start(options.anyPorts ? 0 : MEDIA_PORT) };
  for (const [platform, fake] of Object.entries(fakes) as [Platform, Fakes[Platform]][]) {
    urls[platform] = await fake.listen(options.anyPorts ? 0 : FAKE_PORTS[platform]);
  }
  fakes.tiktok.verifiedPrefixes = [urls.media!];
  return {
    fakes,
    media,
    urls,
    stop: async () => {
      await Promise.all([...Object.values(fakes).map((f) => f.close()), media.stop()]);
    },
  };
}

if (require.main === module) {
  startFakes()
    .then(({ urls, stop }) => {
      console.log("Fake platform servers:");
      for (const [name, url] of Object.entries(urls)) console.log(`  ${name.padEnd(10)} ${url}`);
      console.log(CONTROL_HELP);
      const shutdown = () => void stop().then(() => process.exit(0));
      process.on("SIGINT", shutdown);
      process.on("SIGTERM", shutdown);
    })
    .catch((error: unknown) => {
      console.error(`Could not start the fakes: ${String(error)}`);
      process.exit(1);
    });
}
