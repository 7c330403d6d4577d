/**
 * Telling Postcast's own media URLs from anyone else's. A URL is never trusted for what it
 * contains: it only says which stored media to look up (`users/{uid}/media/{id}/`, the object path
 * every store URL carries), and it counts as that media only when it equals the stored URL
 * (media/stored-media-urls.ts decides, with the records).
 */

/** The media id a URL would name if it were one of the user's stored URLs, or null. */
export function candidateMediaId(url: string, userId: string): string | null {
  const parsed = parse(url);
  if (!parsed) return null;
  let path: string;
  try {
    // Cloud Storage puts the object path in one encoded segment (`o/users%2F…`), the local store in plain segments.
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const prefix = `/users/${userId}/media/`;
  const at = path.indexOf(prefix);
  if (at < 0) return null;
  return /^([A-Za-z0-9_-]{1,128})\//.exec(path.slice(at + prefix.length))?.[1] ?? null;
}

/**
 * Whether `url` is `stored` (a URL the media store produced): the same scheme, host and port, no
 * credentials, and the same path, bucket included, once percent-encoding is normalised as RFC 3986
 * allows (hex case, escaped unreserved characters). The query and fragment may differ: a Firebase
 * download URL's token is in its query.
 */
export function sameStoredUrl(url: string, stored: string): boolean {
  const a = parse(url);
  const b = parse(stored);
  if (!a || !b || a.username || a.password) return false;
  return a.origin === b.origin && normalisedPath(a.pathname) === normalisedPath(b.pathname);
}

function parse(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed : null;
  } catch {
    return null;
  }
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** `%7e` and `%7E` and `~` are the same character; `%2F` and `/` are not (RFC 3986 §6.2.2). */
function normalisedPath(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}
