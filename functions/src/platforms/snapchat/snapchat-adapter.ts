import { createCipheriv, randomBytes } from "node:crypto";
import { Transform, pipeline } from "node:stream";
import type { Credentials } from "../../domain/credentials";
import { PublishError } from "../../domain/publish-error";
import type { HttpClient, HttpResponse, StreamBody } from "../http-client";
import { multipartBody } from "../multipart";
import type { PlatformAdapter, PublishContext, Published, Reconciliation, StepResult } from "../platform-adapter";
import type { StoredFile } from "../post-media";
import { classifyThrown, field, httpFailure, stringField, sendWithToken } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";
import { refreshGrant } from "../token-refresh";

/**
 * Snap's Public Profile API takes encrypted parts of at most 32 MB. A part's plaintext is a whole
 * number of AES blocks, 16 bytes short of that, so even the last part with its padding fits.
 */
const PART = 32 * 1024 * 1024 - 16;
const BLOCK = 16;
const EDGES = { story: "stories", saved_story: "saved_stories", spotlight: "spotlights" } as const;
type PostType = keyof typeof EDGES;

/**
 * Snapchat Public Profile API: the media is encrypted client-side (AES-256-CBC, a fresh key and IV
 * per upload), sent in parts and finalized, then posted as a story, saved story or Spotlight. The
 * media id is the idempotency handle: a lost answer is settled by looking for a post of that media
 * on the profile. (Paths beyond Snap's published steps follow third-party clients: see docs/platforms.md.)
 */
export class SnapchatAdapter implements PlatformAdapter {
  readonly platform = "snapchat" as const;

  constructor(private readonly settings: PlatformSettings) {}

  async step(ctx: PublishContext): Promise<StepResult> {
    const profile = await this.profile(ctx);
    let mediaId = stringField(ctx.progress, "mediaId");
    if (!mediaId) {
      const url = ctx.content.videoUrl ?? ctx.content.imageUrls[0] ?? "";
      mediaId = await this.upload(ctx, profile, await ctx.media.open(url));
      await ctx.save({ mediaId });
    }
    const type = this.type(ctx);
    await ctx.commit({ posting: true });
    const o = ctx.content.options as { locale?: string };
    const body =
      type === "spotlight"
        ? {
            media_id: mediaId,
            description: ctx.content.text ?? "",
            locale: o.locale ?? "en_US",
            skip_save_to_profile: false,
          }
        : type === "saved_story"
          ? { media_id: mediaId, title: ctx.content.title ?? "" }
          : { media_id: mediaId };
    const res = await this.call(ctx, "POST", `/v1/public_profiles/${profile}/${EDGES[type]}`, { json: body });
    if (res.status !== 200 || stringField(res.body, "request_status") !== "SUCCESS") {
      // An error body (request_status ERROR) or a 4xx refuses the post: nothing was published.
      const failure = this.failure(res, ctx.clock());
      const refused =
        (res.status >= 400 && res.status < 500) ||
        (res.status === 200 && stringField(res.body, "request_status") === "ERROR");
      throw refused ? failure.asRefusal() : failure;
    }
    const id = stringField(res.body, EDGES[type], 0, "id") ?? stringField(res.body, "request_id") ?? mediaId;
    return this.published(ctx, id);
  }

  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    const mediaId = stringField(ctx.progress, "mediaId");
    if (!mediaId) return { kind: "not_published" };
    const profile = await this.profile(ctx);
    const res = await this.call(ctx, "GET", `/v1/public_profiles/${profile}/${EDGES[this.type(ctx)]}`, {});
    if (res.status !== 200) throw this.failure(res, ctx.clock());
    const items = (field(res.body, EDGES[this.type(ctx)]) as { id?: string; media_id?: string }[] | undefined) ?? [];
    const match = items.find((i) => i.media_id === mediaId);
    return match?.id ? this.published(ctx, match.id) : { kind: "not_published" };
  }

  async refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null> {
    if (!credentials.refreshToken) return null;
    return refreshGrant(
      http,
      {
        method: "POST",
        url: `${this.settings.authUrl}/login/oauth2/access_token`,
        form: {
          grant_type: "refresh_token",
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret(),
          refresh_token: credentials.refreshToken,
        },
      },
      credentials,
      new Date(),
      "Snapchat",
    );
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  private type(ctx: PublishContext): PostType {
    return (ctx.content.options as { type?: PostType }).type ?? (ctx.content.videoUrl ? "spotlight" : "story");
  }

  /**
   * Creates the media, sends its encrypted parts, and finalizes it. Not publishing: safe to repeat.
   * The file is encrypted as one AES-256-CBC stream cut into parts: each part is read from the
   * store and encrypted as it is sent, chained to the previous part by its last cipher block.
   */
  private async upload(ctx: PublishContext, profile: string, file: StoredFile): Promise<string> {
    const key = randomBytes(32);
    const iv = randomBytes(BLOCK);
    const created = await this.call(ctx, "POST", `/v1/public_profiles/${profile}/media`, {
      json: {
        type: file.contentType.startsWith("video/") ? "VIDEO" : "IMAGE",
        name: `postcast-${ctx.run.postSubmissionId}-${ctx.run.runId}`,
        key: key.toString("base64"),
        iv: iv.toString("base64"),
      },
    });
    const mediaId = stringField(created.body, "media_id");
    const addPath = stringField(created.body, "add_path");
    const finalizePath = stringField(created.body, "finalize_path");
    if (created.status !== 200 || !mediaId || !addPath || !finalizePath) throw this.failure(created, ctx.clock());
    const parts = Math.max(1, Math.ceil(file.size / PART));
    let chain: Buffer = iv;
    for (let part = 0; part < parts; part += 1) {
      const plain = file.range(part * PART, Math.min(file.size, (part + 1) * PART));
      const encrypted = encryptedPart(plain, key, chain, part === parts - 1);
      const form = multipartBody(
        { action: "ADD", part_number: String(part + 1) },
        { name: "file", filename: `part-${part + 1}`, contentType: "application/octet-stream", body: encrypted.body },
      );
      const res = await sendWithToken(ctx, {
        method: "POST",
        url: `${this.settings.apiUrl}${addPath}`,
        headers: { "content-type": form.contentType },
        body: form.body,
        timeoutMs: 300_000,
      });
      if (res.status !== 200) throw this.failure(res, ctx.clock());
      chain = encrypted.lastBlock();
    }
    const form = new FormData();
    form.set("action", "FINALIZE");
    const done = await this.call(ctx, "POST", finalizePath, { multipart: form });
    if (done.status !== 200) throw this.failure(done, ctx.clock());
    return mediaId;
  }

  private async published(ctx: PublishContext, id: string): Promise<Published> {
    const username = (await ctx.auth.credentials()).extra.username;
    return {
      kind: "published",
      platformPostId: id,
      permalink: username ? `https://www.snapchat.com/add/${username}` : null,
    };
  }

  private async profile(ctx: PublishContext): Promise<string> {
    const credentials = await ctx.auth.credentials();
    return encodeURIComponent(credentials.extra.profileId ?? ctx.run.accountId);
  }

  private call(
    ctx: PublishContext,
    method: "GET" | "POST",
    path: string,
    init: { json?: unknown; multipart?: FormData },
  ): Promise<HttpResponse> {
    return sendWithToken(ctx, {
      method,
      url: `${this.settings.apiUrl}${path}`,
      ...init,
    });
  }

  /** Snap's `{request_status: "ERROR", debug_message, error_code}` onto the shared taxonomy. */
  private failure(res: HttpResponse, now: Date): PublishError {
    const detail =
      stringField(res.body, "debug_message") ?? stringField(res.body, "display_message") ?? res.text.slice(0, 200);
    if (res.status === 200) return new PublishError("rejected", `Snapchat: ${detail}`);
    return httpFailure("Snapchat", res, detail, now);
  }
}

/**
 * One part of a CBC stream: `plain` encrypted with the chaining block `iv` (the IV for the first
 * part, the previous part's last cipher block after that), padded only when it is the last part.
 * The concatenated parts are exactly the whole file encrypted at once.
 */
function encryptedPart(
  plain: StreamBody,
  key: Buffer,
  iv: Buffer,
  last: boolean,
): { body: StreamBody; lastBlock: () => Buffer } {
  let tail = Buffer.alloc(0);
  const length = last ? (Math.floor(plain.length / BLOCK) + 1) * BLOCK : plain.length;
  return {
    body: {
      length,
      open: () => {
        const cipher = createCipheriv("aes-256-cbc", key, iv);
        cipher.setAutoPadding(last);
        const keepTail = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            tail = Buffer.from(
              chunk.length >= BLOCK ? chunk.subarray(-BLOCK) : Buffer.concat([tail, chunk]).subarray(-BLOCK),
            );
            done(null, chunk);
          },
        });
        return pipeline(plain.open(), cipher, keepTail, () => undefined);
      },
    },
    lastBlock: () => tail,
  };
}
