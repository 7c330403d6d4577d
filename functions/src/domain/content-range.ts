/**
 * The `Content-Range` header of Cloud Storage's resumable uploads, which the local stack's upload
 * endpoint speaks too: `bytes first-last/total` sends a chunk (`total` may be `*` until the last
 * one), `bytes *\/total` (or `*\/*`) asks how much is stored.
 * https://cloud.google.com/storage/docs/performing-resumable-uploads
 */
export type ContentRange =
  { kind: "chunk"; first: number; last: number; total: number | null } | { kind: "status"; total: number | null };

export function parseContentRange(header: string): ContentRange | null {
  const status = /^bytes \*\/(\d+|\*)$/.exec(header.trim());
  if (status) return { kind: "status", total: totalOf(status[1]!) };
  const chunk = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!chunk) return null;
  const first = Number(chunk[1]);
  const last = Number(chunk[2]);
  const total = totalOf(chunk[3]!);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) return null;
  if (total !== null && last >= total) return null;
  return { kind: "chunk", first, last, total };
}

function totalOf(text: string): number | null {
  return text === "*" ? null : Number(text);
}

/** The `Range` header of a 308 answer: what is stored so far (none when nothing is). */
export function storedRange(bytes: number): string | null {
  return bytes > 0 ? `bytes=0-${bytes - 1}` : null;
}
