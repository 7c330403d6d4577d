import { Transform, pipeline } from "node:stream";
import type { UploadProgress } from "../domain/run-waiting";
import type { PostMedia, StoredFile } from "../platforms/post-media";

/**
 * A run's upload is shown every this many bytes of a file (and at its start and end): a 400 MB
 * video costs 25 writes, not one per chunk. Smaller files go up in one short request: nothing
 * worth a write.
 */
export const UPLOAD_PROGRESS_STEP = 16 * 1024 * 1024;

export interface UploadReport extends UploadProgress {
  contentType: string;
}

/**
 * The post's media, reporting how far each file has been read for sending. Every adapter that
 * uploads bytes reads them through `StoredFile.range` as the request goes out, so the position in
 * the file is how far the upload got, whatever the platform's protocol (chunks, segments, parts);
 * an upload resumed by a later delivery starts from where the platform said it was.
 */
export function reportingUploads(media: PostMedia, report: (progress: UploadReport) => void): PostMedia {
  return {
    async open(url: string): Promise<StoredFile> {
      const file = await media.open(url);
      if (file.size < UPLOAD_PROGRESS_STEP) return file;
      let shown = -1;
      const at = (position: number) => {
        if (shown >= 0 && position < file.size && position - shown < UPLOAD_PROGRESS_STEP) return;
        if (position === shown) return;
        shown = position;
        report({ sentBytes: position, totalBytes: file.size, contentType: file.contentType });
      };
      return {
        ...file,
        range: (start, end) => {
          const body = file.range(start, end);
          return {
            length: body.length,
            open: () => {
              at(start);
              let position = start;
              const counter = new Transform({
                transform(chunk: Buffer, _encoding, done) {
                  position += chunk.length;
                  at(position);
                  done(null, chunk);
                },
              });
              return pipeline(body.open(), counter, () => undefined);
            },
          };
        },
      };
    },
  };
}
