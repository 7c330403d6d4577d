/**
 * The ids of a user's own stored media among URLs: Postcast's media URLs (Cloud Storage or the
 * local store) carry the object path `users/{uid}/media/{id}/…`, percent-encoded or not. Posts
 * record them so media a pending post still needs is never deleted.
 */
export function mediaIdsIn(urls: readonly string[], userId: string): string[] {
  const prefix = `users/${userId}/media/`;
  const ids = new Set<string>();
  for (const url of urls) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(url);
    } catch {
      continue;
    }
    const at = decoded.indexOf(prefix);
    if (at < 0) continue;
    const id = /^([A-Za-z0-9_-]{1,128})\//.exec(decoded.slice(at + prefix.length))?.[1];
    if (id) ids.add(id);
  }
  return [...ids];
}
