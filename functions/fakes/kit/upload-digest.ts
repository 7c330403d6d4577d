import { createHash, type Hash } from "node:crypto";
import type { Readable } from "node:stream";

/** A file a fake received in full: how many bytes, and their SHA-256 in the order they arrived. */
export interface ReceivedMedia {
  /** The platform's id for it (media id, video URN, publish id, upload session). */
  id: string;
  accountId: string;
  size: number;
  /** Hex SHA-256 of the bytes in file order, or "out_of_order" when parts did not arrive in order. */
  sha256: string;
}

/**
 * What a fake keeps of an upload in progress: the bytes are counted and hashed as they arrive and
 * then dropped, so a fake takes a 400 MB video without holding it. Parts are hashed in file order;
 * a part that arrives out of turn marks the digest out of order (the whole-file hash is then unknown).
 */
export class UploadDigest {
  size = 0;
  ordered = true;
  private hash: Hash = createHash("sha256");

  /** Adds the next bytes of the file, in order. */
  update(bytes: Buffer): void {
    this.hash.update(bytes);
    this.size += bytes.length;
  }

  /** Takes a part in the platform's order: hashed when it is the next one, else the order is broken. */
  take(bytes: Buffer, inTurn: boolean): void {
    if (inTurn) this.update(bytes);
    else this.ordered = false;
  }

  /**
   * Reads a request body into a copy of the digest (and `also`), without keeping it; `keep` takes
   * it as `take` does, so a part the fake refuses (never kept) leaves no trace.
   */
  async read(body: Readable, also: Hash[] = []): Promise<{ length: number; keep: (inTurn: boolean) => void }> {
    const next = this.hash.copy();
    let length = 0;
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      next.update(bytes);
      for (const h of also) h.update(bytes);
      length += bytes.length;
    }
    return {
      length,
      keep: (inTurn) => {
        if (!inTurn) return void (this.ordered = false);
        this.hash = next;
        this.size += length;
      },
    };
  }

  /** The ledger entry for the finished file. */
  received(id: string, accountId: string): ReceivedMedia {
    return { id, accountId, size: this.size, sha256: this.ordered ? this.hash.copy().digest("hex") : "out_of_order" };
  }
}
