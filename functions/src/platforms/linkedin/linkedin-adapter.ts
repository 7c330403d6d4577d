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
import type { PlatformSettings } from "../platform-settings";
import { refreshGrant } from "../token-refresh";

/** The LinkedIn-Version the adapter is written against; LinkedIn serves each version for a year. */
export const LINKEDIN_VERSION = "202605";

type Json = Record<string, unknown>;

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
    if (res.status === 422 && duplicateOf && retrying) return published(duplicateOf);
    throw this.failure(res, ctx.clock());
  }

  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    if (!ctx.progress.posting) return { kind: "not_published" };
    const author = await this.author(ctx);
    const res = await this.call(ctx, "GET", "/rest/posts", {
      query: { q: "author", author, count: 20, sortBy: "LAST_MODIFIED" },
    });
    if (res.status !== 200) throw this.failure(res, ctx.clock());
    const commentary = toLittleText(ctx.content.text ?? "");
    const posts = (field(res.body, "elements") as { id?: string; commentary?: string }[] | undefined) ?? [];
    const match = posts.find((p) => p.commentary === commentary);
    return match?.id ? published(match.id) : { kind: "not_published" };
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
