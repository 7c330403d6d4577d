import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { StreamBody } from "./http-client";

/**
 * A multipart/form-data body whose file part is streamed from its source, with its length known
 * before it is sent. Node's FormData takes files only as Blobs, which are held in memory; this
 * writes the same framing (RFC 7578) around a stream instead.
 */
export function multipartBody(
  fields: Record<string, string>,
  file: { name: string; filename: string; contentType: string; body: StreamBody },
): { contentType: string; body: StreamBody } {
  const boundary = `----postcast${randomBytes(12).toString("hex")}`;
  const head = Buffer.from(
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
      `Content-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: {
      length: head.length + file.body.length + tail.length,
      open: () =>
        Readable.from(
          (async function* () {
            yield head;
            yield* file.body.open();
            yield tail;
          })(),
          { objectMode: false },
        ),
    },
  };
}
