import { createHash, randomBytes } from "node:crypto";
import { sha256Hex } from "./canonical-json";

export type KeyMode = "live" | "test";

// sk_live_/sk_test_ + random base64url. Postcast issues 32 bytes (43 characters); Soku issued 24
// (32 characters), and its keys, carried over as documents of its shape, must keep working.
const KEY_FORMAT = /^sk_(live|test)_[A-Za-z0-9_-]{32,200}$/;

/** The mode a key claims by its prefix, or null when it cannot be a Postcast key. */
export function keyModeOf(rawKey: string): KeyMode | null {
  const match = KEY_FORMAT.exec(rawKey);
  return match ? (match[1] as KeyMode) : null;
}

/** Only this hash is stored; it is also the key's document id. */
export function hashApiKey(rawKey: string): string {
  return sha256Hex(rawKey);
}

export function generateApiKey(mode: KeyMode): string {
  return `sk_${mode}_${randomBytes(32).toString("base64url")}`;
}

/** The public id of a key, for listing and revoking it. */
export function generateKeyId(): string {
  return `key_${randomBytes(12).toString("base64url")}`;
}

/**
 * The public id of a key whose document has none (written in Soku's shape, by a dashboard or a
 * migration): derived from the document id, so it is the same on every read, and through a hash,
 * so the id reveals nothing of the document id (the key's own hash).
 */
export function derivedKeyId(keyHash: string): string {
  return `key_${createHash("sha256").update(`postcast key id\n${keyHash}`).digest("base64url").slice(0, 16)}`;
}

/** `sk_live_ab…yz`: the prefix, two characters on each side of the secret. */
export function keyPreview(rawKey: string): string {
  const prefix = /^sk_(live|test)_/.exec(rawKey)?.[0] ?? "";
  return `${prefix}${rawKey.slice(prefix.length, prefix.length + 2)}…${rawKey.slice(-2)}`;
}

/** Key names are 1–100 characters (docs/contract.md §2). */
export const KEY_NAME_MAX = 100;
