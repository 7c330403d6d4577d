/** What a platform that pulls media by URL got when it fetched one. */
export type Fetched = { ok: true; bytes: number; contentType: string } | { ok: false; reason: string };

/**
 * Fetches a media URL the way Meta's and TikTok's servers do when a container pulls it: no
 * redirects followed, a bounded wait, any non-200 a failure. The bound is generous, as theirs are
 * for a video: on the local stack the file comes from the Functions emulator, whose api worker
 * may first have to start (seconds on a busy two-core machine, while the publishers start too);
 * at 10 s the demo's Facebook video failed "could not be downloaded" one run in two.
 */
export async function fetchMedia(url: string, timeoutMs = 60_000): Promise<Fetched> {
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) return { ok: false, reason: `HTTP ${res.status}` };
    const bytes = (await res.arrayBuffer()).byteLength;
    return { ok: true, bytes, contentType: res.headers.get("content-type") ?? "application/octet-stream" };
  } catch (error) {
    return { ok: false, reason: String(error) };
  }
}
