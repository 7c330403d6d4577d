import { createHash } from "node:crypto";
import { defineSecret } from "firebase-functions/params";
import { parseKeyring, type Keyring } from "../domain/credentials";

/**
 * The key that encrypts account credentials at rest: `id:base64(32 bytes)`, comma-separated with
 * older keys after the current one while rotating. Set with
 * `firebase functions:secrets:set CREDENTIALS_KEY`.
 */
export const credentialsKey = defineSecret("CREDENTIALS_KEY");

function projectId(): string {
  return process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT ?? "";
}

let cached: { source: string; keyring: Keyring } | undefined;

/**
 * The keyring, read on first use. A `demo-` project (the emulators: it can reach nothing real)
 * without the secret gets a key derived from its name, so the local stack needs no setup; any
 * other project without the secret fails loudly instead of storing credentials unprotected.
 */
export function credentialsKeyring(): Keyring {
  const secret = process.env.CREDENTIALS_KEY || (projectId().startsWith("demo-") ? "" : credentialsKey.value());
  const source =
    secret || `local:${createHash("sha256").update(`postcast-local-only/${projectId()}`).digest("base64")}`;
  if (!secret && !projectId().startsWith("demo-")) throw new Error("CREDENTIALS_KEY is not set");
  if (cached?.source !== source) cached = { source, keyring: parseKeyring(source) };
  return cached.keyring;
}
