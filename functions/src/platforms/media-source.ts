import type { HttpClient } from "./http-client";
import { PublishError } from "../domain/publish-error";

/** A media file to upload to a platform that takes bytes (X, LinkedIn, YouTube, Snapchat). */
export interface MediaBlob {
  url: string;
  contentType: string;
  size: number;
  slice(start: number, end: number): Buffer;
}

export interface MediaSource {
  load(url: string): Promise<MediaBlob>;
}

/**
 * Loads a post's media over HTTP into memory and refuses it over `maxBytes` (checked after the
 * download: streaming, safe fetching and rehosting come with the media issue). Platforms that pull
 * by URL (Instagram, Threads, TikTok, Facebook) never use it.
 */
export class HttpMediaSource implements MediaSource {
  constructor(
    private readonly http: HttpClient,
    private readonly maxBytes = 512 * 1024 * 1024,
  ) {}

  async load(url: string): Promise<MediaBlob> {
    const res = await this.http.send({ method: "GET", url, timeoutMs: 300_000 });
    if (res.status >= 500) throw new PublishError("transient", `media ${url} answered ${res.status}`);
    if (res.status !== 200)
      throw new PublishError("rejected", `media ${url} could not be fetched (HTTP ${res.status})`);
    const bytes = res.bytes;
    if (bytes.length > this.maxBytes) throw new PublishError("rejected", `media ${url} is over ${this.maxBytes} bytes`);
    const contentType = res.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream";
    return { url, contentType, size: bytes.length, slice: (start, end) => bytes.subarray(start, end) };
  }
}
