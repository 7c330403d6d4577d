/**
 * `npm run id-token -- [uid]`: a Firebase ID token for a user of the running local stack (the demo
 * user by default), from its Auth emulator: what a dashboard gets from `user.getIdToken()`, for the
 * routes that take one (connecting accounts, API keys).
 */
import { stackIdToken } from "./local-connect";
import { DEMO_UID } from "./seed";

stackIdToken(process.argv[2] ?? DEMO_UID)
  .then((token) => console.log(token))
  .catch((error: unknown) => {
    console.error(`Could not get an ID token: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
