import type { Credentials } from "../../domain/credentials";
import { PublishError } from "../../domain/publish-error";
import type { HttpClient, HttpResponse } from "../http-client";
import { multipartBody } from "../multipart";
import type { PlatformAdapter, PublishContext, Reconciliation, StepResult, Waiting } from "../platform-adapter";
import { classifyThrown, field, httpFailure, retryAfterSeconds, stringField, sendWithToken } from "../platform-calls";
import type { StoredFile } from "../post-media";
import {
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

/** X's documented chunk cap is 5 MB; 4 MB leaves room. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * X API v2: media through the chunked upload (initialize, append, finalize, then status until
 * processed), then `POST /2/tweets`. X has no idempotency key; a lost answer is settled by looking
 * for the post among the account's recent posts.
 */
export class XAdapter implements PlatformAdapter {
  readonly platform = "x" as const;

  constructor(private readonly settings: PlatformSettings) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    const media = await this.uploadMedia(ctx);
    if (media.kind === "wait") return media;
    // An earlier attempt made this call: if it went out, reconciliation has not seen it yet (X's
    // timeline lags), and a refusal of a later call proves nothing about it.
    const retrying = ctx.progress.posting === true;
    await ctx.commit({ posting: true });
    const options = ctx.content.options;
    const body = {
      text: ctx.content.text ?? "",
      ...(media.ids.length > 0 ? { media: { media_ids: media.ids } } : {}),
      ...(options.replySettings ? { reply_settings: options.replySettings } : {}),
      ...(options.madeWithAi !== undefined ? { made_with_ai: options.madeWithAi } : {}),
      ...(options.paidPartnership !== undefined ? { paid_partnership: options.paidPartnership } : {}),
    };
    const res = await this.call(ctx, "POST", "/2/tweets", { json: body });
    if (res.status === 201) return this.published(ctx, stringField(res.body, "data", "id"));
    const failure = this.failure(res, ctx.clock());
    if (retrying && failure.message.includes("duplicate")) {
      // The earlier attempt did go out after all (the lookup lagged): look again, never post again.
      throw new PublishError(
        "outcome_unknown",
        `X reports the post as a duplicate of the earlier attempt: ${failure.message}`,
      );
    }
    throw res.status >= 400 && res.status < 500 ? failure.asRefusal() : failure;
  }

  /**
   * The post's answer was lost: it went out if the account has a post made since the attempt with
   * the same text (links expanded back from t.co) and the same media, whose ids this run uploaded
   * and nobody else can attach.
   */
  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    if (!ctx.progress.posting) return { kind: "not_published" };
    const earliest = earliestCreation(ctx);
    if (!earliest) return undecidableUndated("X");
    const mediaIds = (ctx.progress.mediaIds as string[] | undefined) ?? [];
    if (blankText(ctx.content.text) && mediaIds.length === 0) return undecidableBlank("X");
    const credentials = await ctx.auth.credentials();
    const userId = credentials.extra.userId ?? ctx.run.accountId;
    const res = await this.call(ctx, "GET", `/2/users/${encodeURIComponent(userId)}/tweets`, {
      query: {
        max_results: 100,
        // X takes whole seconds; rounding down only widens the window.
        start_time: earliest.toISOString().replace(/\.\d{3}Z$/, "Z"),
        "tweet.fields": "created_at,attachments,entities",
      },
    });
    if (res.status !== 200) throw this.failure(res, ctx.clock());
    const posts = (field(res.body, "data") as XPost[] | undefined) ?? [];
    const matches = posts.filter(
      (p) =>
        createdSince(p.created_at, earliest) &&
        sameText(writtenText(p, ctx.content.text ?? ""), ctx.content.text) &&
        sameMediaIds(p.attachments?.media_keys ?? [], mediaIds),
    );
    return settle("X", await Promise.all(matches.map((p) => this.published(ctx, p.id))));
  }

  async refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null> {
    if (!credentials.refreshToken) return null;
    const basic = Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret()}`).toString("base64");
    return refreshGrant(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/2/oauth2/token`,
        headers: { authorization: `Basic ${basic}` },
        form: {
          grant_type: "refresh_token",
          refresh_token: credentials.refreshToken,
          client_id: this.settings.clientId,
        },
      },
      credentials,
      new Date(),
      "X",
    );
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  private async uploadMedia(ctx: PublishContext): Promise<{ kind: "ready"; ids: string[] } | Waiting> {
    const urls = ctx.content.videoUrl ? [ctx.content.videoUrl] : ctx.content.imageUrls;
    const ids = [...((ctx.progress.mediaIds as string[] | undefined) ?? [])];
    const processing = ctx.progress.processingMediaId;
    if (typeof processing === "string") {
      const res = await this.call(ctx, "GET", "/2/media/upload", {
        query: { command: "STATUS", media_id: processing },
      });
      if (res.status !== 200) throw this.failure(res, ctx.clock());
      const waiting = this.processing(res, processing, ctx, ids);
      if (waiting) return waiting;
      ids.push(processing);
      await ctx.save({ mediaIds: ids, processingMediaId: null });
    }
    while (ids.length < urls.length) {
      const file = await ctx.media.open(urls[ids.length]!);
      const id = await this.upload(ctx, file, ctx.content.videoUrl ? "tweet_video" : mediaCategory(file));
      const waiting = this.processing(id.finalized, id.id, ctx, ids);
      if (waiting) {
        await ctx.save({ mediaIds: ids, processingMediaId: id.id });
        return waiting;
      }
      ids.push(id.id);
      await ctx.save({ mediaIds: ids });
    }
    return { kind: "ready", ids };
  }

  /** One segment at a time, each streamed from the store as binary multipart (no base64 copy). */
  private async upload(ctx: PublishContext, file: StoredFile, category: string) {
    const init = await this.call(ctx, "POST", "/2/media/upload/initialize", {
      json: { media_type: file.contentType, total_bytes: file.size, media_category: category },
    });
    const id = stringField(init.body, "data", "id");
    if (init.status !== 200 || !id) throw this.failure(init, ctx.clock());
    for (let offset = 0, segment = 0; offset < file.size; offset += CHUNK_BYTES, segment += 1) {
      const part = multipartBody(
        { segment_index: String(segment) },
        {
          name: "media",
          filename: "blob",
          contentType: "application/octet-stream",
          body: file.range(offset, Math.min(file.size, offset + CHUNK_BYTES)),
        },
      );
      const append = await sendWithToken(ctx, {
        method: "POST",
        url: `${this.settings.apiUrl}/2/media/upload/${id}/append`,
        headers: { "content-type": part.contentType },
        body: part.body,
        timeoutMs: 300_000,
      });
      if (append.status !== 200 && append.status !== 204) throw this.failure(append, ctx.clock());
    }
    const finalized = await this.call(ctx, "POST", `/2/media/upload/${id}/finalize`, {});
    if (finalized.status !== 200 && finalized.status !== 201) throw this.failure(finalized, ctx.clock());
    return { id, finalized };
  }

  /** A wait while X processes the media, or null once it succeeded. */
  private processing(res: HttpResponse, mediaId: string, ctx: PublishContext, ids: string[]): Waiting | null {
    const info = field(res.body, "data", "processing_info");
    if (!info) return null;
    const state = stringField(info, "state");
    if (state === "succeeded") return null;
    if (state === "failed") {
      const detail = stringField(info, "error", "message") ?? "processing failed";
      throw new PublishError("rejected", `X could not process the media: ${detail}`);
    }
    const after = Number(field(info, "check_after_secs")) || 5;
    return {
      kind: "wait",
      progress: { ...ctx.progress, mediaIds: ids, processingMediaId: mediaId },
      afterSeconds: after,
      reason: `X is processing media ${mediaId} (${state ?? "pending"})`,
    };
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
      ...init,
    });
  }

  private async published(ctx: PublishContext, id: string | undefined): Promise<StepResult & { kind: "published" }> {
    if (!id) throw new PublishError("transient", "X accepted the post but returned no id");
    const credentials = await ctx.auth.credentials();
    const username = credentials.extra.username;
    return {
      kind: "published",
      platformPostId: id,
      permalink: username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`,
    };
  }

  /** X's Problem JSON onto the shared taxonomy. */
  private failure(res: HttpResponse, now: Date): PublishError {
    const detail = stringField(res.body, "detail") ?? stringField(res.body, "title") ?? res.text.slice(0, 200);
    const type = stringField(res.body, "type") ?? "";
    if (res.status === 429 || type.endsWith("usage-capped")) {
      const after = retryAfterSeconds(res, now, "x-rate-limit-reset");
      return new PublishError("rate_limited", `X: ${detail}`, after === undefined ? {} : { retryAfterSeconds: after });
    }
    if (res.status === 403 && /duplicate content/i.test(detail)) {
      return new PublishError("rejected", `X refused a duplicate of an earlier post: ${detail}`);
    }
    return httpFailure("X", res, detail, now);
  }
}

interface XPost {
  id: string;
  text: string;
  created_at?: string;
  attachments?: { media_keys?: string[] };
  entities?: { urls?: { url: string; expanded_url?: string; media_key?: string }[] };
}

/**
 * The post's text as it was written: X returns it HTML-escaped, with every link replaced by a
 * t.co link (the original in `entities.urls[].expanded_url`, `http://` added to one typed without
 * a scheme) and a t.co link to the attached media appended. `sent` tells a link typed without a
 * scheme from one typed with `http://`.
 */
function writtenText(post: XPost, sent: string): string {
  let text = post.text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  for (const url of post.entities?.urls ?? []) {
    let original = url.media_key ? "" : (url.expanded_url ?? url.url);
    const bare = original.replace(/^http:\/\//, "");
    if (bare !== original && !sent.includes(original) && sent.includes(bare)) original = bare;
    text = text.replace(url.url, original);
  }
  return text;
}

/** A media key is `<type>_<media id>`: the ids this run uploaded, in order, or none for a text post. */
function sameMediaIds(keys: string[], uploaded: string[]): boolean {
  const ids = keys.map((key) => key.slice(key.indexOf("_") + 1));
  return ids.length === uploaded.length && ids.every((id, i) => id === uploaded[i]);
}

function mediaCategory(file: StoredFile): string {
  return file.contentType === "image/gif" ? "tweet_gif" : "tweet_image";
}
