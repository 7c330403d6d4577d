import { z } from "zod";
import { validationError } from "../../domain/errors";
import type { Owner } from "../../domain/owner";
import { originalRef, type StoredMediaRef } from "../../media/stored-media-urls";
import type { MediaRecord } from "../../store/media-record-store";
import type { AppDeps } from "../deps";

const MEDIA_IDS_MAX = 35;

/** `post.content.mediaIds` of POST /v1/posts (the OpenAPI document adds it to the body's content). */
export const mediaIdsSchema = z
  .array(z.string().min(1).max(128))
  .min(1)
  .max(MEDIA_IDS_MAX)
  .meta({ description: "Media stored with POST /v1/media, by id: images join imageUrls, a video becomes videoUrl." });

/** The body with mediaIds in place of URLs, and those media by their URL. */
export interface BodyWithMedia {
  body: unknown;
  media: ReadonlyMap<string, StoredMediaRef>;
}

/**
 * `post.content.mediaIds`: media the user stored (POST /v1/media), named by id instead of URL.
 * They become `imageUrls` / `videoUrl` before the request is validated, so everything after sees
 * one shape, and the records found come back with it by URL, so the post's own media are not
 * looked up again (media/own-media.ts). An id that is not the user's, or that a key of the other
 * mode stored, is a 400 naming it.
 */
export async function resolveMediaIds(deps: AppDeps, caller: Owner, input: { body: unknown }): Promise<BodyWithMedia> {
  const { body } = input;
  const post = (body as { post?: { content?: unknown } } | null)?.post;
  const content = post?.content;
  if (!content || typeof content !== "object" || !("mediaIds" in content)) return { body, media: new Map() };
  const { mediaIds, ...rest } = content as Record<string, unknown> & { mediaIds: unknown };
  const parsed = mediaIdsSchema.safeParse(mediaIds);
  if (!parsed.success) {
    throw validationError([
      {
        field: "post.content.mediaIds",
        reason: "invalid",
        message: `mediaIds must be 1 to ${MEDIA_IDS_MAX} ids returned by POST /v1/media.`,
      },
    ]);
  }
  const ids = parsed.data;
  const records = await Promise.all(ids.map((id) => deps.media.records.visibleTo(caller, id)));
  const missing = ids.flatMap((id, i) =>
    records[i]
      ? []
      : [
          {
            field: `post.content.mediaIds[${i}]`,
            reason: "not_found",
            message: `No media ${id} among the media stored with ${caller.mode} keys.`,
          },
        ],
  );
  if (missing.length > 0) throw validationError(missing);
  const found = records as MediaRecord[];
  const media = new Map(found.map((record, i) => [record.url, originalRef(ids[i]!, record)]));
  const images = found.filter((m) => m.kind === "image").map((m) => m.url);
  const videos = found.filter((m) => m.kind === "video").map((m) => m.url);
  if (videos.length > 1 || (videos.length === 1 && rest.videoUrl)) {
    throw validationError([
      { field: "post.content.mediaIds", reason: "too_many_videos", message: "A post carries one video." },
    ]);
  }
  const imageUrls = [...(Array.isArray(rest.imageUrls) ? (rest.imageUrls as unknown[]) : []), ...images];
  return {
    body: {
      ...(body as object),
      post: {
        ...post,
        content: {
          ...rest,
          ...(imageUrls.length > 0 ? { imageUrls } : {}),
          ...(videos.length === 1 ? { videoUrl: videos[0] } : {}),
        },
      },
    },
    media,
  };
}
