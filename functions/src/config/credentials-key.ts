import { createHash } from "node:crypto";
import { parseKeyring, type Keyring } from "../domain/credentials";
import { credentialsKey } from "./secrets";
import { isDemoProject, projectId } from "./project";

let keyring: Keyring | undefined;

/**
 * The keyring, read once per instance on first use. A `demo-` project (the emulators: it can reach
 * nothing real) without the secret gets a key derived from its name, so the local stack needs no
 * setup; any other project without the secret fails loudly instead of storing credentials
 * unprotected.
 */
export function credentialsKeyring(): Keyring {
  return (keyring ??= readKeyring());
}

function readKeyring(): Keyring {
  const demo = isDemoProject();
  // On a demo project the variable may be absent by design; reading it directly avoids the SDK's
  // missing-secret warning there.
  const secret = demo ? (process.env.CREDENTIALS_KEY ?? "") : credentialsKey.value();
  if (secret) return parseKeyring(secret);
  if (!demo) throw new Error("CREDENTIALS_KEY is not set");
  return parseKeyring(`local:${createHash("sha256").update(`postcast-local-only/${projectId()}`).digest("base64")}`);
}
