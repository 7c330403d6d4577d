import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** An account's OAuth credentials. Only the credential store reads or writes them. */
export interface Credentials {
  accessToken: string;
  /** Null when the platform issues none (Facebook Page tokens, LinkedIn outside its partner program). */
  refreshToken: string | null;
  /** ISO time; null when the token does not expire. */
  expiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  /** When the access token was issued (Threads and Instagram refresh only tokens ≥ 24 h old). */
  issuedAt: string | null;
  scope: string | null;
  /** Platform ids the adapter needs with the token (page id, person URN, profile id…). */
  extra: Record<string, string>;
}

/** The encrypted form stored in Firestore. */
export interface SealedCredentials {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** Encryption keys by id; `current` encrypts, every listed key decrypts (so keys can rotate). */
export interface Keyring {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * Parses `CREDENTIALS_KEY`: comma-separated `id:base64key` entries of 32-byte keys, the first being
 * current. To rotate, put a new key first and keep the old ones until every document was rewritten.
 */
export function parseKeyring(value: string): Keyring {
  const entries = value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const sep = entry.indexOf(":");
    const id = entry.slice(0, sep);
    const key = Buffer.from(entry.slice(sep + 1), "base64");
    if (sep <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      throw new Error("CREDENTIALS_KEY must be comma-separated id:base64 entries of 32-byte keys");
    }
    keys.set(id, key);
  }
  const current = entries[0]?.split(":")[0];
  if (!current) throw new Error("CREDENTIALS_KEY is empty");
  return { current, keys };
}

/**
 * AES-256-GCM with a fresh 96-bit IV per write. The associated data binds the ciphertext to its
 * document, so a sealed value copied onto another account does not decrypt.
 */
export function seal(credentials: Credentials, keyring: Keyring, associatedData: string): SealedCredentials {
  return sealJson(credentials, keyring, associatedData);
}

export function unseal(sealed: SealedCredentials, keyring: Keyring, associatedData: string): Credentials {
  return unsealJson(sealed, keyring, associatedData) as Credentials;
}

/** Seals any JSON value the same way (the tokens of accounts a user has yet to choose among). */
export function sealJson(value: unknown, keyring: Keyring, associatedData: string): SealedCredentials {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error(`credentials key ${keyring.current} is missing`);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return {
    keyId: keyring.current,
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ciphertext: ciphertext.toString("base64"),
  };
}

export function unsealJson(sealed: SealedCredentials, keyring: Keyring, associatedData: string): unknown {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) throw new Error(`credentials key ${sealed.keyId} is not in CREDENTIALS_KEY`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
  const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64")), decipher.final()]);
  return JSON.parse(plain.toString("utf8")) as unknown;
}

/** The token expires within `marginMs` (or already has). */
export function expiresSoon(credentials: Credentials, now: Date, marginMs: number): boolean {
  return credentials.expiresAt !== null && new Date(credentials.expiresAt).getTime() - now.getTime() <= marginMs;
}
