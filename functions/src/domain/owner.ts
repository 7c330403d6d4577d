import type { KeyMode } from "./api-key";

/**
 * Whose a post, media or upload is: a user, in the world of the key that made it. Test and live
 * are separate worlds, as in Stripe: a key sees and changes only what keys of its own mode made,
 * and everything else reads as missing (404), so its existence is never revealed. Connected
 * accounts are the user's and shared by both worlds (a test key simulates publishing to them).
 */
export interface Owner {
  userId: string;
  mode: KeyMode;
}

/**
 * The world a stored media or upload belongs to. Records written before modes were recorded carry
 * none and count as live: a test key (the one more likely to leak, from CI) then never reads or
 * deletes what may be a live post's media. The cost is that a test key no longer sees media it
 * stored before the change; storing it again is all it takes.
 */
export function modeOf(record: { mode?: KeyMode | null }): KeyMode {
  return record.mode ?? "live";
}

/** Whether a record of `owner.userId` (its path says whose it is) is in the owner's world. */
export function inWorldOf(owner: Owner, record: { mode?: KeyMode | null }): boolean {
  return modeOf(record) === owner.mode;
}
