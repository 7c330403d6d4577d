import type { TargetContent } from "../../domain/post-model";
import { GRAPH_VERSION } from "../meta/graph-version";
import { PublishError } from "../../domain/publish-error";
import type { HttpResponse } from "../http-client";
import { graphError, graphFailure, isGraphRefusal, isTokenRejection } from "../meta/graph-errors";
import type { PlatformAdapter, PublishContext, Published, Reconciliation, StepResult } from "../platform-adapter";
import { classifyThrown, field, stringField, sendWithToken } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";
import {
  blankText,
  createdSince,
  earliestCreation,
  sameText,
  settle,
  undecidableBlank,
  undecidableUndated,
} from "../reconciliation";

type Params = Record<string, string | undefined>;

/** What a feed item's attachments say of its media (Graph's StoryAttachment). */
interface Attachment {
  type?: string;
  media_type?: string;
  url?: string;
  unshimmed_url?: string;
  target?: { id?: string };
  subattachments?: { data?: Attachment[] };
}

interface FeedItem {
  id?: string;
  message?: string;
  description?: string;
  created_time?: string;
  attachments?: { data?: Attachment[] };
}

const ATTACHMENT_FIELDS = "attachments{type,media_type,url,unshimmed_url,target,subattachments}";

/**
 * Facebook Pages: text and links on the feed, one photo through /photos, several as unpublished
 * photos attached to one feed post, video through /videos (pulled from its URL) then polled until
 * ready. Page tokens do not expire and have no refresh grant: a rejected one needs reconnecting.
 */
export class FacebookAdapter implements PlatformAdapter {
  readonly platform = "facebook" as const;

  constructor(private readonly settings: PlatformSettings) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    const page = await this.pageId(ctx);
    const { content } = ctx;
    // An earlier attempt made a publishing call: if it went out, reconciliation has not seen it yet.
    const retrying = ctx.progress.posting === true;
    if (content.videoUrl) {
      const videoId = stringField(ctx.progress, "videoId");
      if (videoId) return this.videoStatus(ctx, page, videoId);
      await ctx.commit({ posting: true });
      const o = content.options as { title?: string };
      const res = await this.call(ctx, "POST", `/${page}/videos`, {
        file_url: content.videoUrl,
        description: content.text ?? undefined,
        title: o.title,
      });
      const id = stringField(res.body, "id");
      if (res.status !== 200 || !id) throw this.failure(res, ctx, retrying);
      await ctx.save({ videoId: id });
      return this.videoStatus(ctx, page, id);
    }
    if (content.imageUrls.length === 1) {
      await ctx.commit({ posting: true });
      const res = await this.call(ctx, "POST", `/${page}/photos`, {
        url: content.imageUrls[0],
        message: content.text ?? undefined,
      });
      const id = stringField(res.body, "post_id") ?? stringField(res.body, "id");
      if (res.status !== 200 || !id) throw this.failure(res, ctx, retrying);
      return this.published(id);
    }
    const photos = [...((ctx.progress.photoIds as string[] | undefined) ?? [])];
    while (photos.length < content.imageUrls.length) {
      // Unpublished photos show nowhere until attached to a post, so uploading them is not publishing.
      const res = await this.call(ctx, "POST", `/${page}/photos`, {
        url: content.imageUrls[photos.length],
        published: "false",
      });
      const id = stringField(res.body, "id");
      if (res.status !== 200 || !id) throw graphFailure("Facebook", res, ctx.clock());
      photos.push(id);
      await ctx.save({ photoIds: photos });
    }
    const o = content.options as { link?: string };
    const params: Params = { message: content.text ?? undefined, link: photos.length ? undefined : o.link };
    photos.forEach((id, i) => (params[`attached_media[${i}]`] = JSON.stringify({ media_fbid: id })));
    await ctx.commit({ posting: true });
    const res = await this.call(ctx, "POST", `/${page}/feed`, params);
    const id = stringField(res.body, "id");
    if (res.status !== 200 || !id) throw this.failure(res, ctx, retrying);
    return this.published(id);
  }

  /**
   * A lost answer: a video is found by its id, or among the Page's videos; a post on its feed. A
   * candidate was made since the attempt and has the same text and the same attachments: the
   * photos of a multi-photo post are the ones this run uploaded (their ids are its identity), a
   * photo post has one photo, a link post links the same page, a text post has no photo.
   */
  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    const page = await this.pageId(ctx);
    const videoId = stringField(ctx.progress, "videoId");
    if (videoId) return this.videoStatus(ctx, page, videoId);
    const earliest = earliestCreation(ctx);
    if (!earliest) return undecidableUndated("Facebook");
    const { content } = ctx;
    const photoIds = content.imageUrls.length > 1 ? ((ctx.progress.photoIds as string[] | undefined) ?? []) : [];
    if (blankText(content.text) && photoIds.length === 0) return undecidableBlank("Facebook");
    const video = content.videoUrl !== null;
    const res = await this.call(ctx, "GET", `/${page}/${video ? "videos" : "feed"}`, {
      fields: video ? "id,description,created_time" : `id,message,created_time,${ATTACHMENT_FIELDS}`,
      since: String(Math.floor(earliest.getTime() / 1000)),
      limit: "25",
    });
    if (res.status !== 200) throw graphFailure("Facebook", res, ctx.clock());
    const items = (field(res.body, "data") as FeedItem[] | undefined) ?? [];
    const matches = items.filter(
      (p) =>
        p.id &&
        createdSince(p.created_time, earliest) &&
        sameText(video ? p.description : p.message, content.text) &&
        (video || sameAttachments(p, content, photoIds)),
    );
    if (video && matches.length === 1) {
      await ctx.save({ videoId: matches[0]!.id! });
      return this.videoStatus(ctx, page, matches[0]!.id!);
    }
    return settle(
      "Facebook",
      matches.map((p) => this.published(p.id!)),
    );
  }

  refresh(): Promise<null> {
    return Promise.resolve(null);
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  private async videoStatus(ctx: PublishContext, page: string, videoId: string): Promise<StepResult> {
    const res = await this.call(ctx, "GET", `/${videoId}`, { fields: "status" });
    if (res.status !== 200) throw graphFailure("Facebook", res, ctx.clock());
    const state = stringField(res.body, "status", "video_status");
    if (state === "ready") {
      return {
        kind: "published",
        platformPostId: videoId,
        permalink: `https://www.facebook.com/${page}/videos/${videoId}`,
      };
    }
    if (state === "error") {
      const why = stringField(res.body, "status", "processing_phase", "error", "message") ?? "processing failed";
      throw new PublishError("rejected", `Facebook could not process the video: ${why}`);
    }
    return {
      kind: "wait",
      progress: { ...ctx.progress, videoId },
      afterSeconds: 30,
      reason: `Facebook is processing video ${videoId} (${state ?? "processing"})`,
    };
  }

  private published(id: string): Published {
    return { kind: "published", platformPostId: id, permalink: `https://www.facebook.com/${id}` };
  }

  /**
   * The publishing call's failure. Code 506 after an attempt whose answer was lost means that
   * attempt went out; any other explicit refusal means this call published nothing.
   */
  private failure(res: HttpResponse, ctx: PublishContext, retrying: boolean): PublishError {
    const failure = graphFailure("Facebook", res, ctx.clock());
    if (retrying && graphError(res)?.code === 506) {
      return new PublishError(
        "outcome_unknown",
        `Facebook reports the post as a duplicate of the earlier attempt: ${failure.message}`,
      );
    }
    return isGraphRefusal(res) ? failure.asRefusal() : failure;
  }

  private async pageId(ctx: PublishContext): Promise<string> {
    const credentials = await ctx.auth.credentials();
    return encodeURIComponent(credentials.extra.pageId ?? ctx.run.accountId);
  }

  private call(ctx: PublishContext, method: "GET" | "POST", path: string, params: Params): Promise<HttpResponse> {
    return sendWithToken(
      ctx,
      {
        method,
        url: `${this.settings.apiUrl}/${GRAPH_VERSION}${path}`,
        ...(method === "GET" ? { query: params } : { form: params }),
      },
      isTokenRejection,
    );
  }
}

/** Whether a feed item's attachments carry the media this run sent. */
function sameAttachments(item: FeedItem, content: TargetContent, photoIds: string[]): boolean {
  const attachments = item.attachments?.data ?? [];
  const photos = attachments
    .flatMap((a) => (a.type === "album" ? (a.subattachments?.data ?? []) : [a]))
    .filter((a) => a.type === "photo" || a.media_type === "photo");
  const wanted = content.imageUrls.length;
  if (photos.length !== wanted) return false;
  if (wanted > 1) {
    const ids = new Set(photos.map((p) => p.target?.id));
    return photoIds.length === wanted && photoIds.every((id) => ids.has(id));
  }
  const link = (content.options as { link?: string }).link;
  return wanted === 1 || !link || attachments.some((a) => a.unshimmed_url === link || a.url === link);
}
