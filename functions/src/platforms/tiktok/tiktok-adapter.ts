import type { Credentials } from "../../domain/credentials";
import { PublishError } from "../../domain/publish-error";
import type { HttpClient, HttpResponse } from "../http-client";
import type { PlatformAdapter, PublishContext, Reconciliation, StepResult } from "../platform-adapter";
import type { StoredFile } from "../post-media";
import { classifyThrown, field, retryAfterSeconds, stringField, sendWithToken } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";
import { refreshGrant } from "../token-refresh";

/** TikTok's chunk rules: files under 5 MB go whole; otherwise 10 MB chunks, the last one taking the rest. */
const MIN_CHUNK = 5 * 1024 * 1024;
const CHUNK = 10 * 1024 * 1024;
const PRIVACY_PREFERENCE = ["PUBLIC_TO_EVERYONE", "FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"];

interface TikTokOptions {
  privacyLevel?: string;
  disableComment?: boolean;
  disableDuet?: boolean;
  disableStitch?: boolean;
  videoCoverTimestampMs?: number;
  brandContentToggle?: boolean;
  brandOrganicToggle?: boolean;
  isAigc?: boolean;
  title?: string;
  photoCoverIndex?: number;
  autoAddMusic?: boolean;
}

/**
 * TikTok Content Posting API, direct post: creator info first (privacy options), then a video
 * pulled from a verified URL prefix or uploaded in chunks, or a photo post pulled by URL; then
 * status fetch in check tasks until PUBLISH_COMPLETE. The publish_id is the idempotency handle:
 * for uploads it is known before the last chunk (the commit point), so a lost answer is settled by
 * its status; a lost answer to a pull `init` cannot be settled and ends `unknown`.
 */
export class TikTokAdapter implements PlatformAdapter {
  readonly platform = "tiktok" as const;

  constructor(
    private readonly settings: PlatformSettings,
    /** URL prefixes verified in TikTok's developer portal, which TikTok may pull from. */
    private readonly pullPrefixes: string[] = [],
  ) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    const { content } = ctx;
    if (content.videoUrl && !this.pullPrefixes.some((p) => content.videoUrl!.startsWith(p))) {
      if (ctx.progress.uploaded !== true) {
        await this.upload(ctx, content.videoUrl);
        await ctx.save({ uploaded: true });
      }
    } else if (!stringField(ctx.progress, "publishId")) {
      const privacy = await this.privacy(ctx);
      await ctx.commit({ posting: true });
      const res = content.videoUrl
        ? await this.videoInit(ctx, privacy, { source: "PULL_FROM_URL", video_url: content.videoUrl })
        : await this.photoInit(ctx, privacy);
      const id = stringField(res.body, "data", "publish_id");
      if (res.status !== 200 || !id || this.code(res) !== "ok") throw this.publishFailure(res, ctx.clock());
      await ctx.save({ publishId: id });
    }
    return this.status(ctx, stringField(ctx.progress, "publishId")!);
  }

  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    const publishId = stringField(ctx.progress, "publishId");
    if (!publishId) {
      return {
        kind: "undecidable",
        reason: "TikTok's answer to the post request was lost, and TikTok offers no way to find a post by its content.",
      };
    }
    const res = await this.call(ctx, "/v2/post/publish/status/fetch/", { publish_id: publishId });
    if (res.status !== 200 || this.code(res) !== "ok") throw this.failure(res, ctx.clock());
    const status = stringField(res.body, "data", "status");
    // The last chunk never arrived: sending it again is the only way the post can go out.
    if (status === "PROCESSING_UPLOAD" && ctx.progress.uploaded !== true) return { kind: "not_published" };
    if (status === "FAILED") {
      await ctx.save({ publishId: null, pendingPublishId: null, uploadUrl: null, nextChunk: 0, uploaded: false });
      return { kind: "not_published" };
    }
    return this.status(ctx, publishId);
  }

  async refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null> {
    if (!credentials.refreshToken) return null;
    return refreshGrant(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/v2/oauth/token/`,
        form: {
          client_key: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
          grant_type: "refresh_token",
          refresh_token: credentials.refreshToken,
        },
      },
      credentials,
      new Date(),
      "TikTok",
    );
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  /** The requested privacy level if the creator offers it, else the most public one offered. */
  private async privacy(ctx: PublishContext): Promise<string> {
    const res = await this.call(ctx, "/v2/post/publish/creator_info/query/", {});
    if (res.status !== 200 || this.code(res) !== "ok") throw this.failure(res, ctx.clock());
    const offered = (field(res.body, "data", "privacy_level_options") as string[] | undefined) ?? [];
    const wanted = (ctx.content.options as TikTokOptions).privacyLevel;
    if (wanted && !offered.includes(wanted)) {
      throw new PublishError(
        "rejected",
        `TikTok: this creator cannot post with privacy ${wanted} (offered: ${offered.join(", ")}).`,
      );
    }
    const level = wanted ?? PRIVACY_PREFERENCE.find((p) => offered.includes(p));
    if (!level) throw new PublishError("rejected", "TikTok offers this creator no privacy level to post with.");
    return level;
  }

  private postInfo(ctx: PublishContext, privacy: string) {
    const o = ctx.content.options as TikTokOptions;
    return {
      title: ctx.content.text ?? "",
      privacy_level: privacy,
      disable_comment: o.disableComment ?? false,
      disable_duet: o.disableDuet ?? false,
      disable_stitch: o.disableStitch ?? false,
      ...(o.videoCoverTimestampMs !== undefined ? { video_cover_timestamp_ms: o.videoCoverTimestampMs } : {}),
      brand_content_toggle: o.brandContentToggle ?? false,
      brand_organic_toggle: o.brandOrganicToggle ?? false,
      is_aigc: o.isAigc ?? false,
    };
  }

  private videoInit(ctx: PublishContext, privacy: string, source: Record<string, unknown>): Promise<HttpResponse> {
    return this.call(ctx, "/v2/post/publish/video/init/", {
      post_info: this.postInfo(ctx, privacy),
      source_info: source,
    });
  }

  private photoInit(ctx: PublishContext, privacy: string): Promise<HttpResponse> {
    const o = ctx.content.options as TikTokOptions;
    const info = this.postInfo(ctx, privacy);
    return this.call(ctx, "/v2/post/publish/content/init/", {
      post_info: {
        title: o.title ?? ctx.content.title ?? "",
        description: ctx.content.text ?? "",
        privacy_level: info.privacy_level,
        disable_comment: info.disable_comment,
        auto_add_music: o.autoAddMusic ?? false,
        brand_content_toggle: info.brand_content_toggle,
        brand_organic_toggle: info.brand_organic_toggle,
      },
      source_info: {
        source: "PULL_FROM_URL",
        photo_images: ctx.content.imageUrls,
        photo_cover_index: o.photoCoverIndex ?? 0,
      },
      post_mode: "DIRECT_POST",
      media_type: "PHOTO",
    });
  }

  /**
   * FILE_UPLOAD: init, then the chunks in order, each streamed from the store as it is sent; the
   * last chunk is the commit point.
   */
  private async upload(ctx: PublishContext, url: string): Promise<void> {
    const file = await ctx.media.open(url);
    const chunkSize = file.size < MIN_CHUNK ? file.size : CHUNK;
    const count = Math.max(1, Math.floor(file.size / chunkSize));
    let uploadUrl = stringField(ctx.progress, "uploadUrl");
    let next = Number(ctx.progress.nextChunk ?? 0);
    if (!uploadUrl) {
      const privacy = await this.privacy(ctx);
      const res = await this.videoInit(ctx, privacy, {
        source: "FILE_UPLOAD",
        video_size: file.size,
        chunk_size: chunkSize,
        total_chunk_count: count,
      });
      const id = stringField(res.body, "data", "publish_id");
      uploadUrl = stringField(res.body, "data", "upload_url");
      if (res.status !== 200 || !id || !uploadUrl || this.code(res) !== "ok") throw this.failure(res, ctx.clock());
      next = 0;
      await ctx.save({ pendingPublishId: id, uploadUrl, nextChunk: 0 });
    }
    for (; next < count; next += 1) {
      const last = next === count - 1;
      const start = next * chunkSize;
      const end = last ? file.size : start + chunkSize;
      if (last) await ctx.commit({ posting: true, publishId: stringField(ctx.progress, "pendingPublishId") ?? null });
      const res = await this.putChunk(ctx, uploadUrl, file, start, end);
      if (res.status === 403 || res.status === 404) {
        // The upload URL lives an hour; start a fresh upload (the abandoned one never publishes).
        // A committed publishId stays, so a reconciliation reads its (never completed) status.
        await ctx.save({ uploadUrl: null, nextChunk: 0, pendingPublishId: null });
        throw new PublishError("transient", `TikTok's upload URL is no longer valid (HTTP ${res.status}).`);
      }
      if (res.status !== (last ? 201 : 206))
        throw last ? this.publishFailure(res, ctx.clock()) : this.failure(res, ctx.clock());
      if (!last) await ctx.save({ nextChunk: next + 1 });
    }
  }

  private putChunk(
    ctx: PublishContext,
    url: string,
    file: StoredFile,
    start: number,
    end: number,
  ): Promise<HttpResponse> {
    return ctx.http.send({
      method: "PUT",
      url,
      headers: {
        "content-type": file.contentType === "application/octet-stream" ? "video/mp4" : file.contentType,
        "content-range": `bytes ${start}-${end - 1}/${file.size}`,
      },
      body: file.range(start, end),
      timeoutMs: 300_000,
    });
  }

  private async status(ctx: PublishContext, publishId: string): Promise<StepResult> {
    const res = await this.call(ctx, "/v2/post/publish/status/fetch/", { publish_id: publishId });
    if (res.status !== 200 || this.code(res) !== "ok") throw this.failure(res, ctx.clock());
    const status = stringField(res.body, "data", "status");
    if (status === "PUBLISH_COMPLETE" || status === "SEND_TO_USER_INBOX") {
      const postId = stringField(res.body, "data", "publicaly_available_post_id", 0);
      const username = (await ctx.auth.credentials()).extra.username;
      const profile = username ? `https://www.tiktok.com/@${username}` : null;
      return {
        kind: "published",
        platformPostId: postId ?? publishId,
        permalink: postId && profile ? `${profile}/video/${postId}` : profile,
      };
    }
    if (status === "FAILED") {
      const reason = stringField(res.body, "data", "fail_reason") ?? "unknown";
      await ctx.save({ publishId: null, pendingPublishId: null, uploadUrl: null, nextChunk: 0, uploaded: false });
      throw new PublishError(
        reason === "internal" ? "transient" : "rejected",
        `TikTok could not publish the post: ${reason}`,
        { startsOver: true },
      );
    }
    return {
      kind: "wait",
      progress: { ...ctx.progress, publishId },
      afterSeconds: 10,
      reason: `TikTok: ${status ?? "processing"}`,
    };
  }

  private code(res: HttpResponse): string | undefined {
    return stringField(res.body, "error", "code");
  }

  private call(ctx: PublishContext, path: string, json: unknown): Promise<HttpResponse> {
    return sendWithToken(
      ctx,
      {
        method: "POST",
        url: `${this.settings.apiUrl}${path}`,
        headers: { "content-type": "application/json; charset=UTF-8" },
        json,
      },
      (res) => this.code(res) === "access_token_invalid",
    );
  }

  /**
   * The failure of a call that would have published (a pull `init`, the last chunk): a 4xx
   * answer refuses it, so nothing was published. An `internal_error` says nothing either way.
   */
  private publishFailure(res: HttpResponse, now: Date): PublishError {
    const failure = this.failure(res, now);
    const refused = res.status >= 400 && res.status < 500 && this.code(res) !== "internal_error";
    return refused ? failure.asRefusal() : failure;
  }

  /** TikTok's `{data, error: {code, message, log_id}}` onto the shared taxonomy. */
  private failure(res: HttpResponse, now: Date): PublishError {
    const code = this.code(res) ?? `http_${res.status}`;
    const text = `TikTok: ${stringField(res.body, "error", "message") || code} (${code})`;
    if (["access_token_invalid", "scope_not_authorized", "scope_permission_missed"].includes(code)) {
      return new PublishError("auth_expired", text);
    }
    if (code === "rate_limit_exceeded" || res.status === 429) {
      return new PublishError("rate_limited", text, { retryAfterSeconds: retryAfterSeconds(res, now) ?? 60 });
    }
    if (code === "spam_risk_too_many_posts" || code === "reached_active_user_cap") {
      return new PublishError("rate_limited", text, { retryAfterSeconds: 6 * 3600 });
    }
    if (code === "internal_error" || res.status >= 500) return new PublishError("transient", text);
    return new PublishError("rejected", text);
  }
}
