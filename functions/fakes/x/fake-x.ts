import { createHash } from "node:crypto";
import express, { type Request, type Response } from "express";
import { extractUrlsWithIndices } from "twitter-text";
import { FakePlatform, type FakePost, type TokenGrant, type FakeOptions } from "../kit/fake-platform";
import { UploadDigest } from "../kit/upload-digest";

const PROBLEM = "https://api.x.com/2/problems";
const DEFAULT_SCOPE = "tweet.write tweet.read users.read media.write offline.access";
/** The OAuth 2.0 scopes X documents; its consent page refuses others. */
const SCOPES = [
  "tweet.read",
  "tweet.write",
  "tweet.moderate.write",
  "users.read",
  "users.email",
  "follows.read",
  "follows.write",
  "offline.access",
  "space.read",
  "mute.read",
  "mute.write",
  "like.read",
  "like.write",
  "list.read",
  "list.write",
  "block.read",
  "block.write",
  "bookmark.read",
  "bookmark.write",
  "media.write",
  "dm.read",
  "dm.write",
];

/** Media keys are `<type>_<media id>`: 3 photo, 16 animated GIF, 7 video. */
const MEDIA_KEY_PREFIX: Record<string, string> = { tweet_image: "3", tweet_gif: "16", tweet_video: "7" };

interface UrlEntity {
  start: number;
  end: number;
  url: string;
  expanded_url: string;
  display_url: string;
  media_key?: string;
}

interface Upload {
  accountId: string;
  mediaType: string;
  category: string;
  total: number;
  segments: Map<number, number>;
  /** The bytes counted and hashed as segments arrive (never kept). */
  digest: UploadDigest;
  state: "uploading" | "pending" | "in_progress" | "succeeded" | "failed";
  polls: number;
  /** When FINALIZE started processing, in the platform's clock. */
  startedAt: number;
}

/**
 * X API v2 as documented: Bearer user tokens, `POST /2/tweets` (201, Problem JSON errors,
 * 403 on duplicate text, `x-rate-limit-*` headers, 100 posts per 15 minutes per user), the
 * dedicated chunked media endpoints with async processing for video, the user timeline for
 * lookups (newest first from `start_time`, texts as X returns them: HTML-escaped, every link a t.co
 * link with its original in `entities.urls`, a t.co link to the media appended; `created_at`,
 * `attachments.media_keys` and `entities` when `tweet.fields` asks), and OAuth 2.0 with PKCE: the authorize page, 30-second codes, the token endpoint with
 * HTTP Basic client authentication and single-use rotating refresh tokens (only with
 * `offline.access`), `GET /2/users/me` and token revocation.
 */
export class FakeX extends FakePlatform {
  readonly uploads = new Map<string, Upload>();
  postLimit = 100;
  private readonly windows = new Map<string, number[]>();
  /** Video media is processed asynchronously; images are ready at finalize. */
  constructor(options: FakeOptions = {}) {
    super("x", options);
    // Realistic processing: a short video is processed in seconds (X says when to look again).
    this.realisticProcessingMs = 10_000;
    this.codeTtlSeconds = 30;
    this.authorizePage("/i/oauth2/authorize", {
      scopeDelimiter: / /,
      scopes: SCOPES,
      pkce: { required: true, methods: ["S256", "plain"] },
      stateMaxLength: 500,
      denial: { error: "access_denied", error_description: "The user denied the authorization request." },
    });
    const r = this.router;
    r.post("/2/oauth2/token", (req, res) => this.token(req, res));
    r.post("/2/oauth2/revoke", (req, res) => this.revokeEndpoint(req, res));
    r.get("/2/users/me", (req, res) => this.me(req, res));
    r.post("/2/tweets", (req, res) => this.createPost(req, res));
    r.get("/2/users/:id/tweets", (req, res) => this.timeline(req, res));
    r.post("/2/media/upload/initialize", (req, res) => this.initialize(req, res));
    // The append takes multipart (binary `media`) or JSON (base64 `media`); a segment is at most 5 MB.
    r.post(
      "/2/media/upload/:id/append",
      express.raw({ type: "multipart/form-data", limit: "6mb" }),
      (req, res) => void this.append(req, res),
    );
    r.post("/2/media/upload/:id/finalize", (req, res) => this.finalize(req, res));
    r.get("/2/media/upload", (req, res) => this.status(req, res));
  }

  protected notFound(_req: Request, res: Response) {
    res.status(404).json({ title: "Not Found Error", type: `${PROBLEM}/resource-not-found`, status: 404 });
  }

  protected unauthorized(res: Response) {
    res.status(401).json({ title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
  }

  protected transientFailure() {
    return {
      status: 503,
      body: { title: "Service Unavailable", type: "about:blank", status: 503, detail: "Service Unavailable" },
    };
  }

  protected rateLimitFailure() {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    return {
      status: 429,
      headers: { "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset },
      body: {
        title: "Too Many Requests",
        type: `${PROBLEM}/rate-limit-exceeded`,
        status: 429,
        detail: "Too Many Requests",
      },
    };
  }

  private invalid(res: Response, detail: string) {
    res.status(400).json({ title: "Invalid Request", type: `${PROBLEM}/invalid-request`, detail, status: 400 });
  }

  private unauthorizedClient(res: Response) {
    res.status(401).json({ error: "unauthorized_client", error_description: "Missing valid authorization header" });
  }

  private invalidToken(res: Response, what: string) {
    res.status(400).json({ error: "invalid_request", error_description: `Value passed for the ${what} was invalid.` });
  }

  /** X's apps are confidential clients here: HTTP Basic with the client id and secret. */
  private token(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body, { basic: "required" })) return this.unauthorizedClient(res);
    if (body.grant_type === "authorization_code") return this.codeGrant(body, res);
    if (body.grant_type !== "refresh_token" || !body.refresh_token) return this.invalidToken(res, "grant type");
    const grant = this.redeemRefresh(body.refresh_token, true);
    if (!grant) return this.invalidToken(res, "token");
    res.json(this.tokenBody(grant));
  }

  private codeGrant(body: Record<string, string>, res: Response) {
    const code = this.redeemCode({ code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
    if (typeof code === "string") return this.invalidToken(res, "authorization code");
    // A refresh token only comes with the offline.access scope.
    res.json(this.tokenBody(this.grantFromCode(code, { refresh: code.scopes.includes("offline.access") })));
  }

  private tokenBody(grant: TokenGrant) {
    return {
      token_type: "bearer",
      expires_in: this.accessTokenTtlSeconds,
      access_token: grant.accessToken,
      scope: grant.scopes?.join(" ") ?? DEFAULT_SCOPE,
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
    };
  }

  /** RFC 7009: revoking an unknown token is not an error. */
  private revokeEndpoint(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body, { basic: "required" })) return this.unauthorizedClient(res);
    if (!body.token) return this.invalidToken(res, "token");
    this.revokeToken(body.token);
    res.json({ revoked: true });
  }

  /** `profile_image_url` only when `user.fields` asks for it. */
  private me(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const profile = this.profileFor(account);
    const fields = String(req.query["user.fields"] ?? "").split(",");
    res.json({
      data: {
        id: profile.accountId,
        name: profile.displayName,
        username: profile.username,
        ...(fields.includes("profile_image_url") ? { profile_image_url: profile.avatarUrl } : {}),
      },
    });
  }

  private createPost(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const body = req.body as { text?: unknown; media?: { media_ids?: unknown } };
    const allowed = new Set([
      "text",
      "media",
      "reply_settings",
      "made_with_ai",
      "paid_partnership",
      "reply",
      "poll",
      "quote_tweet_id",
    ]);
    const unknown = Object.keys(body).find((k) => !allowed.has(k));
    if (unknown) return this.invalid(res, `The \`${unknown}\` field is not allowed.`);
    const mediaIds = (body.media?.media_ids as string[] | undefined) ?? [];
    const text = typeof body.text === "string" ? body.text : "";
    if (!text && mediaIds.length === 0) return this.invalid(res, "Post text or media is required.");
    if (mediaIds.length > 4) return this.invalid(res, "Your media IDs are invalid.");
    for (const id of mediaIds) {
      const upload = this.uploads.get(id);
      if (!upload || upload.accountId !== account || upload.state !== "succeeded") {
        return this.invalid(res, "Your media IDs are invalid.");
      }
    }
    const window = (this.windows.get(account) ?? []).filter((t) => t > Date.now() - 15 * 60_000);
    const reset = String(Math.ceil(((window[0] ?? Date.now()) + 15 * 60_000) / 1000));
    const limits = { "x-rate-limit-limit": String(this.postLimit), "x-rate-limit-reset": reset };
    if (window.length >= this.postLimit) {
      res.status(429).set({ ...limits, "x-rate-limit-remaining": "0" });
      return void res.json(this.rateLimitFailure().body);
    }
    if (text && this.postsOf(account).some((p) => p.text === text && p.createdAt > this.now() - 24 * 3600_000)) {
      return void res.status(403).json({
        detail: "You are not allowed to create a Tweet with duplicate content.",
        type: "about:blank",
        title: "Forbidden",
        status: 403,
      });
    }
    window.push(Date.now());
    this.windows.set(account, window);
    const post = this.publish({
      accountId: account,
      kind: "post",
      text,
      media: mediaIds,
      details: req.body as Record<string, unknown>,
    });
    res.status(201).set({ ...limits, "x-rate-limit-remaining": String(this.postLimit - window.length) });
    res.json({ data: { id: post.id, text, edit_history_tweet_ids: [post.id] } });
  }

  private timeline(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    if (req.params.id !== account)
      return void res.status(403).json({ title: "Forbidden", type: "about:blank", status: 403 });
    const since = Date.parse(String(req.query.start_time ?? "")) || 0;
    const fields = String(req.query["tweet.fields"] ?? "").split(",");
    const data = this.listed(account)
      .filter((p) => p.createdAt >= since)
      .reverse()
      .slice(0, Math.min(100, Number(req.query.max_results ?? 10)))
      .map((p) => this.tweet(p, fields));
    res.json(data.length ? { data, meta: { result_count: data.length } } : { meta: { result_count: 0 } });
  }

  private tweet(post: FakePost, fields: string[]) {
    const { text, urls } = this.shortened(post);
    const keys = post.media.map((id) => this.mediaKey(id));
    return {
      id: post.id,
      text,
      edit_history_tweet_ids: [post.id],
      ...(fields.includes("created_at") ? { created_at: new Date(post.createdAt).toISOString() } : {}),
      ...(fields.includes("attachments") && keys.length ? { attachments: { media_keys: keys } } : {}),
      ...(fields.includes("entities") && urls.length ? { entities: { urls } } : {}),
    };
  }

  /** The text as X stores it: HTML-escaped, links wrapped in t.co, a t.co link to the media at the end. */
  private shortened(post: FakePost): { text: string; urls: UrlEntity[] } {
    const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const tco = (n: number | string) =>
      `https://t.co/${createHash("sha256").update(`${post.id}/${n}`).digest("base64url").slice(0, 10)}`;
    const urls: UrlEntity[] = [];
    let text = "";
    let last = 0;
    const entity = (url: string, expanded: string, mediaKey?: string) => {
      const start = [...text].length;
      text += url;
      urls.push({
        start,
        end: start + [...url].length,
        url,
        expanded_url: expanded,
        display_url: expanded.replace(/^https?:\/\//, "").slice(0, 26),
        ...(mediaKey ? { media_key: mediaKey } : {}),
      });
    };
    extractUrlsWithIndices(post.text).forEach((found, n) => {
      text += escape(post.text.slice(last, found.indices[0]));
      // A link typed without a scheme comes back as http://.
      entity(tco(n), /^https?:\/\//i.test(found.url) ? found.url : `http://${found.url}`);
      last = found.indices[1];
    });
    text += escape(post.text.slice(last));
    if (post.media.length) {
      const key = this.mediaKey(post.media[0]!);
      const kind = key.startsWith("3_") ? "photo" : "video";
      text += text ? " " : "";
      entity(tco("media"), `https://x.com/${post.accountId}/status/${post.id}/${kind}/1`, key);
    }
    return { text, urls };
  }

  private mediaKey(id: string): string {
    return `${MEDIA_KEY_PREFIX[this.uploads.get(id)?.category ?? "tweet_image"] ?? "3"}_${id}`;
  }

  private initialize(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const body = req.body as { media_type?: string; total_bytes?: number; media_category?: string };
    const types = ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm", "video/quicktime"];
    if (!body.media_type || !types.includes(body.media_type)) return this.invalid(res, "media_type is invalid");
    if (!Number.isInteger(body.total_bytes) || (body.total_bytes ?? 0) <= 0)
      return this.invalid(res, "total_bytes is invalid");
    const id = this.id();
    this.uploads.set(id, {
      accountId: account,
      mediaType: body.media_type,
      category: body.media_category ?? "tweet_image",
      total: body.total_bytes!,
      segments: new Map(),
      digest: new UploadDigest(),
      state: "uploading",
      polls: 0,
      startedAt: 0,
    });
    res.json({ data: { id, media_key: this.mediaKey(id), expires_after_secs: 86400 } });
  }

  private async append(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const upload = this.uploads.get(String(req.params.id));
    if (!upload || upload.accountId !== account) return this.invalid(res, "media_id is invalid");
    const part = await this.segment(req);
    if (!part || !Number.isInteger(part.index) || part.index < 0 || part.index > 999)
      return this.invalid(res, "segment is invalid");
    if (part.media.length > 5 * 1024 * 1024) return this.invalid(res, "segment exceeds 5 MB");
    upload.digest.take(part.media, part.index === upload.segments.size && !upload.segments.has(part.index));
    upload.segments.set(part.index, part.media.length);
    res.json({ data: { expires_at: Math.ceil(Date.now() / 1000) + 86400 } });
  }

  /** The segment of an append, from a multipart or a JSON (base64) body. */
  private async segment(req: Request): Promise<{ index: number; media: Buffer } | null> {
    if (Buffer.isBuffer(req.body)) {
      const form = await new Response(req.body, { headers: { "content-type": req.get("content-type") ?? "" } })
        .formData()
        .catch(() => null);
      const media = form?.get("media");
      if (!(media instanceof Blob) || media.size === 0) return null;
      return { index: Number(form?.get("segment_index")), media: Buffer.from(await media.arrayBuffer()) };
    }
    const body = req.body as { media?: string; segment_index?: number };
    if (!body.media) return null;
    return { index: Number(body.segment_index), media: Buffer.from(body.media, "base64") };
  }

  private finalize(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const id = String(req.params.id);
    const upload = this.uploads.get(id);
    if (!upload || upload.accountId !== account) return this.invalid(res, "media_id is invalid");
    const received = [...upload.segments.values()].reduce((a, b) => a + b, 0);
    if (received !== upload.total)
      return this.invalid(res, `File size mismatch: expected ${upload.total}, received ${received}`);
    if (upload.state === "uploading") this.receivedMedia.push(upload.digest.received(id, account));
    const video = upload.category === "tweet_video";
    if (upload.state === "uploading") upload.startedAt = this.now();
    // STATUS read number `processingPolls` finds it done (none: done at FINALIZE).
    upload.state = video && !this.processed(upload.polls + 1, upload.startedAt) ? "pending" : "succeeded";
    res.json({
      data: {
        id,
        size: upload.total,
        expires_after_secs: 86400,
        ...(video ? { processing_info: this.info(upload) } : {}),
      },
    });
  }

  private status(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const upload = this.uploads.get(String(req.query.media_id));
    if (req.query.command !== "STATUS" || !upload || upload.accountId !== account)
      return this.invalid(res, "media_id is invalid");
    upload.polls += 1;
    if (upload.state !== "succeeded" && upload.state !== "failed") {
      upload.state = this.processed(upload.polls + 1, upload.startedAt) ? "succeeded" : "in_progress";
    }
    res.json({ data: { id: String(req.query.media_id), processing_info: this.info(upload) } });
  }

  private info(upload: Upload) {
    const done = upload.state === "succeeded";
    return {
      state: upload.state,
      // X says when to look again: when it expects to be done (realistic), else in a second.
      ...(done
        ? { progress_percent: 100 }
        : {
            check_after_secs: Math.max(1, Math.ceil(this.processingLeftMs(upload.startedAt) / 1000)),
            progress_percent: 50,
          }),
    };
  }
}
