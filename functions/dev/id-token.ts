import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";

/**
 * A real ID token for `uid` from the Auth emulator: the user is created (if new) through the Admin
 * SDK, and signs in with a custom token over the emulator's REST API, as a client SDK would.
 */
export async function idTokenFor(uid: string): Promise<string> {
  const host = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (!host) throw new Error("FIREBASE_AUTH_EMULATOR_HOST is not set");
  const auth = getAuth(getApps()[0] ?? initializeApp());
  await auth.createUser({ uid }).catch((error: { code?: string }) => {
    if (error.code !== "auth/uid-already-exists") throw error;
  });
  const customToken = await auth.createCustomToken(uid);
  const res = await fetch(
    `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=emulator`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: customToken, returnSecureToken: true }),
    },
  );
  const body = (await res.json()) as { idToken?: string };
  if (!res.ok || !body.idToken) throw new Error(`signInWithCustomToken failed: ${res.status} ${JSON.stringify(body)}`);
  return body.idToken;
}
