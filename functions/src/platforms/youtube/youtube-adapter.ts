import type { Credentials } from "../../domain/credentials";
import { PublishError } from "../../domain/publish-error";
import type { HttpClient, HttpResponse } from "../http-client";
import type { PlatformAdapter, PublishContext, Reconciliation, StepResult } from "../platform-adapter";
import type { StoredFile } from "../post-media";
import { classifyThrown, field, retryAfterSeconds, stringField, sendWithToken } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";
import { refreshGrant } from "../token-refresh";

/** Non-final chunks must be multiples of 256 KiB; each is streamed from the store as it is sent. */
const CHUNK = 32 * 256 * 1024;

interface YouTubeOptions {
  tags?: string[];
  categoryId?: string;
  privacyStatus?: string;
  madeForKids?: boolean;
  notifySubscribers?: boolean;
  containsSyntheticMedia?: boolean;
}

/**
 * YouTube Data API v3 resumable `videos.insert`: a session is opened with the metadata, the bytes
 * go up in chunks, and after an interruption the session is asked how much it has (308 + Range)
 * and the upload resumes there. The session is the idempotency handle: the video exists only once
 * the last chunk is accepted, and a lost answer is settled by asking the session again. Processing
 * is then polled with videos.list.
 */
export class YouTubeAdapter implements PlatformAdapter {
  readonly platform = "youtube" as const;

  constructor(private readonly settings: PlatformSettings) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    let videoId = stringField(ctx.progress, "videoId");
    if (!videoId) {
      const file = await ctx.media.open(ctx.content.videoUrl ?? "");
      let session = stringField(ctx.progress, "session");
      if (!session) {
        session = await this.openSession(ctx, file);
        await ctx.save({ session, offset: 0 });
      }
      videoId = await this.upload(ctx, session, file);
      await ctx.save({ videoId });
    }
    return this.processing(ctx, videoId);
  }

  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    const videoId = stringField(ctx.progress, "videoId");
    if (videoId) return this.processing(ctx, videoId);
    const session = stringField(ctx.progress, "session");
    const total = Number(ctx.progress.total);
    if (!session || !Number.isFinite(total)) return { kind: "not_published" };
    const res = await this.query(ctx, session, total);
    if (res.status === 308) return { kind: "not_published" };
    const id = stringField(res.body, "id");
    if ((res.status === 200 || res.status === 201) && id) {
      await ctx.save({ videoId: id });
      return this.processing(ctx, id);
    }
    if (res.status === 404 || res.status === 410) {
      return {
        kind: "undecidable",
        reason: "YouTube's upload session expired before the answer to its last chunk was known.",
      };
    }
    throw this.failure(res, ctx.clock());
  }

  async refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null> {
    if (!credentials.refreshToken) return null;
    return refreshGrant(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/token`,
        form: {
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
          refresh_token: credentials.refreshToken,
          grant_type: "refresh_token",
        },
      },
      credentials,
      new Date(),
      "YouTube",
    );
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  private async openSession(ctx: PublishContext, file: StoredFile): Promise<string> {
    const o = ctx.content.options as YouTubeOptions;
    const res = await sendWithToken(ctx, {
      method: "POST",
      url: `${this.settings.apiUrl}/upload/youtube/v3/videos`,
      query: { uploadType: "resumable", part: "snippet,status", notifySubscribers: o.notifySubscribers },
      headers: {
        "content-type": "application/json; charset=UTF-8",
        "x-upload-content-length": String(file.size),
        "x-upload-content-type": file.contentType.startsWith("video/") ? file.contentType : "application/octet-stream",
      },
      json: {
        snippet: {
          title: ctx.content.title ?? ctx.content.text ?? "",
          description: ctx.content.text ?? "",
          ...(o.tags ? { tags: o.tags } : {}),
          ...(o.categoryId ? { categoryId: o.categoryId } : {}),
        },
        status: {
          privacyStatus: o.privacyStatus ?? "public",
          ...(o.madeForKids !== undefined ? { selfDeclaredMadeForKids: o.madeForKids } : {}),
          ...(o.containsSyntheticMedia !== undefined ? { containsSyntheticMedia: o.containsSyntheticMedia } : {}),
        },
      },
    });
    const location = res.headers.get("location");
    if (res.status !== 200 || !location) throw this.failure(res, ctx.clock());
    await ctx.save({ total: file.size });
    return location;
  }

  /** Sends the bytes the session does not have yet; the last chunk is the commit point. */
  private async upload(ctx: PublishContext, session: string, file: StoredFile): Promise<string> {
    let offset = await this.received(ctx, session, file.size);
    for (;;) {
      const end = Math.min(file.size, offset + CHUNK);
      if (end === file.size) await ctx.commit({ posting: true });
      const res = await sendWithToken(ctx, {
        method: "PUT",
        url: session,
        headers: {
          "content-type": file.contentType,
          "content-range": `bytes ${offset}-${end - 1}/${file.size}`,
        },
        body: file.range(offset, end),
        timeoutMs: 300_000,
      });
      if (res.status === 200 || res.status === 201) {
        const id = stringField(res.body, "id");
        if (!id) throw new PublishError("transient", "YouTube accepted the upload but returned no video id");
        return id;
      }
      if (res.status !== 308) {
        const failure = await this.sessionFailure(ctx, res);
        // The session answered: a refusal of the bytes (an expired session, a bad range, a quota)
        // means no video was made from them.
        throw res.status >= 400 && res.status < 500 ? failure.asRefusal() : failure;
      }
      offset = rangeEnd(res);
      await ctx.save({ offset });
    }
  }

  /** How many bytes the session holds: asked, not assumed, so a resumed upload never skips or repeats. */
  private async received(ctx: PublishContext, session: string, total: number): Promise<number> {
    const res = await this.query(ctx, session, total);
    if (res.status === 308) return rangeEnd(res);
    throw await this.sessionFailure(ctx, res);
  }

  private query(ctx: PublishContext, session: string, total: number): Promise<HttpResponse> {
    return sendWithToken(ctx, {
      method: "PUT",
      url: session,
      headers: { "content-range": `bytes */${total}` },
      body: Buffer.alloc(0),
    });
  }

  /** A session that is gone (404) is started again; other answers are classified. */
  private async sessionFailure(ctx: PublishContext, res: HttpResponse): Promise<PublishError> {
    if (res.status === 404 || res.status === 410) {
      await ctx.save({ session: null, offset: 0 });
      return new PublishError("transient", "YouTube's upload session expired; a new one will be opened.", {
        startsOver: true,
      });
    }
    return this.failure(res, ctx.clock());
  }

  private async processing(ctx: PublishContext, videoId: string): Promise<StepResult> {
    const res = await sendWithToken(ctx, {
      method: "GET",
      url: `${this.settings.apiUrl}/youtube/v3/videos`,
      query: { part: "status,processingDetails", id: videoId },
    });
    if (res.status !== 200) throw this.failure(res, ctx.clock());
    const video = field(res.body, "items", 0);
    const upload = stringField(video, "status", "uploadStatus");
    if (
      upload === "processed" ||
      (upload === "uploaded" && stringField(video, "processingDetails", "processingStatus") === "succeeded")
    ) {
      return { kind: "published", platformPostId: videoId, permalink: `https://www.youtube.com/watch?v=${videoId}` };
    }
    if (upload === "rejected" || upload === "failed" || upload === "deleted") {
      const why =
        stringField(video, "status", "rejectionReason") ?? stringField(video, "status", "failureReason") ?? upload;
      throw new PublishError("rejected", `YouTube ${upload} the video: ${why}`);
    }
    return {
      kind: "wait",
      progress: { ...ctx.progress, videoId },
      afterSeconds: 30,
      reason: `YouTube is processing video ${videoId}`,
    };
  }

  /** Google's `{error:{code,message,errors:[{reason}]}}` onto the shared taxonomy. */
  private failure(res: HttpResponse, now: Date): PublishError {
    const reason = stringField(res.body, "error", "errors", 0, "reason") ?? "";
    const text = `YouTube: ${stringField(res.body, "error", "message") ?? res.text.slice(0, 200)} (${reason || res.status})`;
    if (res.status === 401) return new PublishError("auth_expired", text);
    if (reason === "quotaExceeded")
      return new PublishError("rate_limited", text, { retryAfterSeconds: secondsToPacificMidnight(now) });
    if (reason === "uploadLimitExceeded")
      return new PublishError("rate_limited", text, { retryAfterSeconds: 6 * 3600 });
    if (reason === "rateLimitExceeded" || reason === "userRateLimitExceeded" || res.status === 429) {
      return new PublishError("rate_limited", text, { retryAfterSeconds: retryAfterSeconds(res, now) ?? 60 });
    }
    if (reason === "insufficientPermissions" || reason === "youtubeSignupRequired")
      return new PublishError("auth_expired", text);
    if (res.status >= 500) return new PublishError("transient", text);
    return new PublishError("rejected", text);
  }
}

/** The next byte to send after a 308's `Range: bytes=0-N` (no header: nothing was received). */
function rangeEnd(res: HttpResponse): number {
  const match = /bytes=0-(\d+)/.exec(res.headers.get("range") ?? "");
  return match ? Number(match[1]) + 1 : 0;
}

/** YouTube's quota resets at midnight Pacific time (UTC−8, or −7 in summer; −8 is the later bound). */
function secondsToPacificMidnight(now: Date): number {
  const pacific = new Date(now.getTime() - 8 * 3600_000);
  const next = Date.UTC(pacific.getUTCFullYear(), pacific.getUTCMonth(), pacific.getUTCDate() + 1);
  return Math.ceil((next - pacific.getTime()) / 1000);
}
