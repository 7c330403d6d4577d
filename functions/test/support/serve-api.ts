/**
 * The child process of ApiProcess (api-process.ts): the Harness app (the real API, media included)
 * served on a free port, with a seeded tenant. Reports where it listens over the IPC channel and
 * exits when its parent goes away.
 */
import { Harness } from "./harness";
import { RELAXED_RATE_LIMITS } from "./rate-limits";

async function main() {
  const h = new Harness({ projectId: process.env.POSTCAST_TEST_PROJECT, rateLimits: RELAXED_RATE_LIMITS });
  const url = await h.serve();
  const tenant = await h.tenant();
  process.on("disconnect", () => process.exit(0));
  process.send?.({ url, key: tenant.key, uid: tenant.uid, mediaDir: h.mediaDir });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
