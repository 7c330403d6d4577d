import { getApps, initializeApp } from "firebase-admin/app";

/**
 * Verifies a Firebase ID token and returns its uid. `checkRevoked` also asks Firebase Auth whether
 * the user was disabled or signed out everywhere since the token was issued (one extra call; key
 * management is rare, so production pays it). Under FIREBASE_AUTH_EMULATOR_HOST the Admin SDK
 * accepts the emulator's unsigned tokens, as it is designed to.
 */
export function idTokenVerifier(options: { checkRevoked: boolean }) {
  return async (idToken: string): Promise<string> => {
    // Loaded on first use: only key-management requests pay for the Auth SDK.
    const { getAuth } = await import("firebase-admin/auth");
    const app = getApps()[0] ?? initializeApp();
    const decoded = await getAuth(app).verifyIdToken(idToken, options.checkRevoked);
    return decoded.uid;
  };
}
