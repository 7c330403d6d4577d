/**
 * A small per-instance cache for hot, rarely changing documents (API keys, subscriptions). Entries
 * live `ttlMs`, which bounds how long a change (a revoked key) takes to reach every instance.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets a key on this instance (other instances see the change when their entry expires). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Map keeps insertion order: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expires: now + this.ttlMs });
    return value;
  }
}

/** Contract: a revoked key stops working within 30 s on every instance; stay well inside that. */
export const AUTH_CACHE_TTL_MS = 10_000;
