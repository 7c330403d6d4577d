import type { StreamBody } from "./http-client";

/**
 * One of the post's media as the store keeps it. Adapters send it part by part, each part streamed
 * from the store as it goes out: no adapter ever holds a whole file.
 */
export interface StoredFile {
  /** The URL the store gave it (what platforms that pull by URL are sent). */
  url: string;
  contentType: string;
  size: number;
  /** Bytes `start` to `end` (excluded), read from the store when the request is sent. */
  range(start: number, end: number): StreamBody;
}

/** The media of the post being published, resolved against the user's stored media. */
export interface PostMedia {
  /**
   * The stored file a content URL names. Only URLs the store produced resolve (live posts have
   * every other URL rehosted before fan-out); anything else is a permanent failure, never a fetch.
   */
  open(url: string): Promise<StoredFile>;
}
