import type { Credentials } from "../../domain/credentials";
import { toLittleText } from "../../domain/little-text";
import { PublishError } from "../../domain/publish-error";
import type { HttpClient, HttpResponse, StreamBody } from "../http-client";
import type {
  PlatformAdapter,
  PublishContext,
  Published,
  Reconciliation,
  StepResult,
  Waiting,
} from "../platform-adapter";
import { classifyThrown, field, httpFailure, retryAfterSeconds, stringField, sendWithToken } from "../platform-calls";
import {
  COMMIT_MARK_SKEW_MS,
  blankText,
  createdSince,
  earliestCreation,
  sameText,
  settle,
  undecidableBlank,
  undecidableUndated,
} from "../reconciliation";
import type { PlatformSettings } from "../platform-settings";
import { refreshGrant } from "../token-refresh";

/** The LinkedIn-Version the adapter is written against; LinkedIn serves each version for a year. */
export const LINKEDIN_VERSION = "202605";

type Json = Record<string, unknown>;

interface LinkedInPost {
  id?: string;
  commentary?: string;
  createdAt?: number;
  content?: { media?: { id?: string }; multiImage?: { images?: { id?: string }[] } };
}

/**
 * LinkedIn Posts API: images through /rest/images and videos through /rest/videos (byte-range
 * parts, finalized with their ETags, then polled until AVAILABLE), then /rest/posts with the
 * commentary in little text format. A lost answer is settled from the author's recent posts, and a
 * DUPLICATE_POST answer to a repeated attempt names the post that went out.
 */
export class LinkedInAdapter implements PlatformAdapter {
  readonly platform = "linkedin" as const;

  constructor(private readonly settings: PlatformSettings) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    const author = await this.author(ctx);
    const media = await this.media(ctx, author);
    if (media.kind === "wait") return media;
    // An earlier attempt made this call: if it went out, reconciliation has not seen it yet.
    const retrying = ctx.progress.posting === true;
    await ctx.commit({ posting: true });
    const o = ctx.content.options as { visibility?: string; disableReshare?: boolean; mediaTitle?: string };
    const body: Json = {
      author,
      commentary: toLittleText(ctx.content.text ?? ""),
      visibility: o.visibility ?? "PUBLIC",
      distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: "PUBLISHED",
      isReshareDisabledByAuthor: o.disableReshare ?? false,
    };
    if (media.urns.length === 1)
      body.content = { media: { id: media.urns[0], ...(o.mediaTitle ? { title: o.mediaTitle } : {}) } };
    if (media.urns.length > 1) body.content = { multiImage: { images: media.urns.map((id) => ({ id })) } };
    const res = await this.call(ctx, "POST", "/rest/posts", { json: body });
    const urn = res.headers.get("x-restli-id");
    if (res.status === 201 && urn) return published(urn);
    const duplicateOf = /duplicate of (urn:li:\w+:\w+)/i.exec(stringField(res.body, "message") ?? "")?.[1];
    if (res.status === 422 && duplicateOf && retrying) return this.duplicate(ctx, duplicateOf);
    const failure = this.failure(res, ctx.clock());
    throw res.status >= 400 && res.status < 500 ? failure.asRefusal() : failure;
  }

  /**
   * The post's answer was lost: it went out if the author has a post made since the attempt with
   * the same commentary and the same media, whose URNs this run uploaded (their identity).
   */
  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    if (!ctx.progress.posting) return { kind: "not_published" };
    const earliest = earliestCreation(ctx);
    if (!earliest) return undecidableUndated("LinkedIn");
    const urns = uploadedUrns(ctx);
    if (blankText(ctx.content.text) && urns.length === 0) return undecidableBlank("LinkedIn");
    const author = await this.author(ctx);
    const res = await this.call(ctx, "GET", "/rest/posts", {
      query: { q: "author", author, count: 20, sortBy: "CREATED" },
    });
    if (res.status !== 200) throw this.failure(res, ctx.clock());
    const commentary = toLittleText(ctx.content.text ?? "");
    const posts = (field(res.body, "elements") as LinkedInPost[] | undefined) ?? [];
    const matches = posts.filter(
      (p) =>
        p.id &&
        createdSince(p.createdAt, earliest) &&
        sameText(p.commentary, commentary) &&
        sameUrns(contentUrns(p), urns),
    );
    return settle(
      "LinkedIn",
      matches.map((p) => published(p.id!)),
    );
  }

  /**
   * DUPLICATE_POST on a repeated attempt names the post LinkedIn holds with this content: an
   * earlier attempt's, when it was made since the run was created (any of its attempts may be the
   * one that went out, so not only the last mark's); an older one is someone else's post, and then
   * this content cannot be posted.
   */
  private async duplicate(ctx: PublishContext, urn: string): Promise<Published> {
    const earliest = new Date(ctx.run.createdAt.getTime() - COMMIT_MARK_SKEW_MS);
    const res = await this.call(ctx, "GET", `/rest/posts/${encodeURIComponent(urn)}`, {});
    if (res.status !== 200) {
      throw new PublishError(
        "outcome_unknown",
        `LinkedIn reports the post as a duplicate of ${urn}, which could not be read (HTTP ${res.status}).`,
      );
    }
    if (createdSince(field(res.body, "createdAt"), earliest)) return published(urn);
    throw new PublishError(
      "rejected",
      `LinkedIn refused a duplicate of ${urn}, a post made before this run was created.`,
      { refused: true },
    );
  }

  async refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null> {
    // Refresh tokens are granted only to LinkedIn's approved partners; others reconnect every 60 days.
    if (!credentials.refreshToken) return null;
    return refreshGrant(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/oauth/v2/accessToken`,
        form: {
          grant_type: "refresh_token",
          refresh_token: credentials.refreshToken,
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
        },
      },
      credentials,
      new Date(),
      "LinkedIn",
    );
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  private async media(ctx: PublishContext, author: string): Promise<{ kind: "ready"; urns: string[] } | Waiting> {
    const { content } = ctx;
    if (content.videoUrl) {
      let video = stringField(ctx.progress, "videoUrn");
      if (!video) {
        video = await this.uploadVideo(ctx, author, content.videoUrl);
        await ctx.save({ videoUrn: video });
      }
      const res = await this.call(ctx, "GET", `/rest/videos/${encodeURIComponent(video)}`, {});
      if (res.status !== 200) throw this.failure(res, ctx.clock());
      const status = stringField(res.body, "status");
      if (status === "AVAILABLE") return { kind: "ready", urns: [video] };
      if (status === "PROCESSING_FAILED") {
        await ctx.save({ videoUrn: null });
        const why = stringField(res.body, "processingFailureReason") ?? "processing failed";
        throw new PublishError("rejected", `LinkedIn could not process the video: ${why}`);
      }
      return {
        kind: "wait",
        progress: ctx.progress,
        afterSeconds: 15,
        reason: `LinkedIn is processing ${video} (${status ?? "?"})`,
      };
    }
    const urns = [...((ctx.progress.imageUrns as string[] | undefined) ?? [])];
    while (urns.length < content.imageUrls.length) {
      const file = await ctx.media.open(content.imageUrls[urns.length]!);
      const init = await this.call(ctx, "POST", "/rest/images", {
        query: { action: "initializeUpload" },
        json: { initializeUploadRequest: { owner: author } },
      });
      const uploadUrl = stringField(init.body, "value", "uploadUrl");
      const image = stringField(init.body, "value", "image");
      if (init.status !== 200 || !uploadUrl || !image) throw this.failure(init, ctx.clock());
      // One PUT with the whole image (LinkedIn does not take images in parts), streamed from the store.
      const put = await this.upload(ctx, uploadUrl, file.range(0, file.size), file.contentType);
      if (put.status !== 201 && put.status !== 200) throw this.failure(put, ctx.clock());
      urns.push(image);
      await ctx.save({ imageUrns: urns });
    }
    return { kind: "ready", urns };
  }

  private async uploadVideo(ctx: PublishContext, author: string, url: string): Promise<string> {
    const file = await ctx.media.open(url);
    const init = await this.call(ctx, "POST", "/rest/videos", {
      query: { action: "initializeUpload" },
      json: {
        initializeUploadRequest: {
          owner: author,
          fileSizeBytes: file.size,
          uploadCaptions: false,
          uploadThumbnail: false,
        },
      },
    });
    const video = stringField(init.body, "value", "video");
    const instructions = field(init.body, "value", "uploadInstructions") as
      { uploadUrl: string; firstByte: number; lastByte: number }[] | undefined;
    if (init.status !== 200 || !video || !instructions) throw this.failure(init, ctx.clock());
    const etags: string[] = [];
    // The byte ranges LinkedIn asks for, in order, each streamed from the store as it is sent.
    for (const part of instructions) {
      if (!validPart(part, file.size)) throw new PublishError("transient", "LinkedIn gave an invalid upload range");
      const put = await this.upload(
        ctx,
        part.uploadUrl,
        file.range(part.firstByte, part.lastByte + 1),
        "application/octet-stream",
      );
      const etag = put.headers.get("etag");
      if (put.status !== 200 || !etag) throw this.failure(put, ctx.clock());
      etags.push(etag);
    }
    const token = stringField(init.body, "value", "uploadToken") ?? "";
    const done = await this.call(ctx, "POST", "/rest/videos", {
      query: { action: "finalizeUpload" },
      json: { finalizeUploadRequest: { video, uploadToken: token, uploadedPartIds: etags } },
    });
    if (done.status !== 200) throw this.failure(done, ctx.clock());
    return video;
  }

  private upload(ctx: PublishContext, url: string, bytes: StreamBody, type: string): Promise<HttpResponse> {
    return sendWithToken(ctx, {
      method: "PUT",
      url,
      headers: { "content-type": type },
      body: bytes,
      timeoutMs: 300_000,
    });
  }

  private async author(ctx: PublishContext): Promise<string> {
    const credentials = await ctx.auth.credentials();
    return credentials.extra.authorUrn ?? `urn:li:person:${ctx.run.accountId}`;
  }

  private call(
    ctx: PublishContext,
    method: "GET" | "POST",
    path: string,
    init: { json?: unknown; query?: Record<string, string | number> },
  ): Promise<HttpResponse> {
    return sendWithToken(ctx, {
      method,
      url: `${this.settings.apiUrl}${path}`,
      headers: {
        "linkedin-version": LINKEDIN_VERSION,
        "x-restli-protocol-version": "2.0.0",
      },
      ...init,
    });
  }

  /** LinkedIn's `{status, serviceErrorCode, code, message}` onto the shared taxonomy. */
  private failure(res: HttpResponse, now: Date): PublishError {
    const message = stringField(res.body, "message") ?? res.text.slice(0, 200);
    if (res.status === 429) {
      // Daily limits reset at midnight UTC; without a Retry-After, look again in ten minutes.
      return new PublishError("rate_limited", `LinkedIn: ${message}`, {
        retryAfterSeconds: retryAfterSeconds(res, now) ?? 600,
      });
    }
    if (res.status === 422 && /duplicate/i.test(message)) {
      return new PublishError("rejected", `LinkedIn refused a duplicate of an earlier post: ${message}`);
    }
    return httpFailure("LinkedIn", res, message, now);
  }
}

function validPart(part: { firstByte: number; lastByte: number }, size: number): boolean {
  return (
    Number.isInteger(part.firstByte) &&
    Number.isInteger(part.lastByte) &&
    part.firstByte >= 0 &&
    part.lastByte >= part.firstByte &&
    part.lastByte < size
  );
}

function published(urn: string): Published {
  return { kind: "published", platformPostId: urn, permalink: `https://www.linkedin.com/feed/update/${urn}` };
}

/** The image or video URNs this run uploaded, in the order it attaches them. */
function uploadedUrns(ctx: PublishContext): string[] {
  const video = stringField(ctx.progress, "videoUrn");
  return video ? [video] : ((ctx.progress.imageUrns as string[] | undefined) ?? []);
}

function contentUrns(post: LinkedInPost): string[] {
  const media = post.content?.media?.id;
  return media ? [media] : (post.content?.multiImage?.images ?? []).map((i) => i.id ?? "");
}

function sameUrns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((urn, i) => urn === b[i]);
}
