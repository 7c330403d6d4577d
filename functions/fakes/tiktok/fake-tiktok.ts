import type { Request, Response } from "express";
import { fetchMedia, type Fetched } from "../kit/media-fetch";
import { FakePlatform, type TokenGrant, type FakeOptions } from "../kit/fake-platform";
import { pickFields, type CodeRejection } from "../kit/oauth";
import { UploadDigest } from "../kit/upload-digest";

const MB = 1024 * 1024;
const DEFAULT_SCOPE = "user.info.basic,video.publish,video.upload";
const SCOPES = [
  "user.info.basic",
  "user.info.profile",
  "user.info.stats",
  "video.list",
  "video.publish",
  "video.upload",
];
const CODE_ERRORS: Record<CodeRejection, string> = {
  unknown: "Authorization code is invalid.",
  client: "Authorization code is invalid.",
  used: "Authorization code has been used.",
  expired: "Authorization code is expired.",
  redirect_uri: "Redirect URI does not match the one used for the authorization code.",
  verifier: "Code verifier is invalid.",
};

interface Publish {
  id: string;
  accountId: string;
  kind: "video" | "photo";
  privacy: string;
  title: string;
  source: "FILE_UPLOAD" | "PULL_FROM_URL";
  size: number;
  chunkSize: number;
  chunks: number;
  received: number;
  /** The uploaded bytes counted and hashed as chunks arrive (never kept). */
  digest: UploadDigest;
  fetched: Promise<Fetched> | null;
  polls: number;
  /** When TikTok began processing (the pull, or the last chunk), in its clock. */
  startedAt: number;
  status: "PROCESSING_UPLOAD" | "PROCESSING_DOWNLOAD" | "PUBLISH_COMPLETE" | "FAILED";
  failReason: string | null;
  postId: string | null;
  media: string[];
}

/**
 * TikTok's Content Posting API: the `{data, error:{code,message,log_id}}` envelope on every answer,
 * creator info, direct-post video init (FILE_UPLOAD with TikTok's chunk rules, 206/201 on PUT, or
 * PULL_FROM_URL from verified prefixes), photo posts, status fetch, 6 inits a minute per token, the
 * ~15 posts a day cap, SELF_ONLY for unaudited clients, and Login Kit v2: `client_key` for the
 * app, PKCE (S256), rotating refresh tokens, `GET /v2/user/info/` and revocation.
 */
export class FakeTikTok extends FakePlatform {
  readonly publishes = new Map<string, Publish>();
  /** An unaudited client may only post SELF_ONLY. */
  audited = true;
  verifiedPrefixes: string[] = [];
  privacyOptions = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];
  dailyCap = 15;
  private readonly inits = new Map<string, number[]>();

  constructor(options: FakeOptions = {}) {
    super("tiktok", options);
    // Realistic processing: moderation before the post id appears takes under a minute, usually.
    this.realisticProcessingMs = 30_000;
    this.authorizePage("/v2/auth/authorize/", {
      clientIdParam: "client_key",
      scopeDelimiter: /,/,
      scopes: SCOPES,
      pkce: { required: true, methods: ["S256"] },
      denial: { error: "access_denied", error_description: "The user denied the authorization request." },
    });
    const r = this.router;
    r.post("/v2/oauth/token/", (req, res) => this.token(req, res));
    r.post("/v2/oauth/revoke/", (req, res) => this.revokeEndpoint(req, res));
    r.get("/v2/user/info/", (req, res) => this.userInfo(req, res));
    r.post("/v2/post/publish/creator_info/query/", (req, res) => this.creatorInfo(req, res));
    r.post("/v2/post/publish/video/init/", (req, res) => this.init(req, res, "video"));
    r.post("/v2/post/publish/content/init/", (req, res) => this.init(req, res, "photo"));
    r.post("/v2/post/publish/status/fetch/", (req, res) => void this.status(req, res));
    r.put("/upload/:id", (req, res) => void this.chunk(req, res));
  }

  private envelope(res: Response, status: number, code: string, message = "", data: unknown = {}) {
    res.status(status).json({ data, error: { code, message, log_id: `log_${Date.now()}` } });
  }

  protected notFound(_req: Request, res: Response) {
    this.envelope(res, 404, "not_found", "The requested resource does not exist");
  }

  protected unauthorized(res: Response, reason: string) {
    this.envelope(
      res,
      401,
      "access_token_invalid",
      `The access token is invalid or not found in the request (${reason}).`,
    );
  }

  protected transientFailure() {
    return {
      status: 500,
      body: { data: {}, error: { code: "internal_error", message: "Something went wrong", log_id: "log_x" } },
    };
  }

  protected rateLimitFailure() {
    return {
      status: 429,
      body: { data: {}, error: { code: "rate_limit_exceeded", message: "Rate limit exceeded", log_id: "log_x" } },
    };
  }

  /** The token endpoint's errors are flat, not in the envelope. */
  private oauthError(res: Response, status: number, error: string, description: string) {
    res.status(status).json({ error, error_description: description, log_id: `log_${Date.now()}` });
  }

  private invalidClient(res: Response) {
    this.oauthError(res, 401, "invalid_client", "Client key or secret is incorrect.");
  }

  private token(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body, { idParam: "client_key" })) return this.invalidClient(res);
    if (body.grant_type === "authorization_code") return this.codeGrant(body, res);
    const grant = body.grant_type === "refresh_token" ? this.redeemRefresh(body.refresh_token ?? "", true) : null;
    if (!grant) return this.oauthError(res, 400, "invalid_grant", "Refresh token is invalid or expired.");
    res.json(this.tokenBody(grant));
  }

  private codeGrant(body: Record<string, string>, res: Response) {
    const code = this.redeemCode({ code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
    if (typeof code === "string") return this.oauthError(res, 400, "invalid_grant", CODE_ERRORS[code]);
    res.json(this.tokenBody(this.grantFromCode(code)));
  }

  private tokenBody(grant: TokenGrant) {
    return {
      access_token: grant.accessToken,
      expires_in: this.accessTokenTtlSeconds,
      open_id: grant.accountId,
      refresh_token: grant.refreshToken,
      refresh_expires_in: 180 * 86400,
      scope: grant.scopes?.join(",") ?? DEFAULT_SCOPE,
      token_type: "Bearer",
    };
  }

  /** Disconnects the app from the user's account altogether; success is an empty body. */
  private revokeEndpoint(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body, { idParam: "client_key" })) return this.invalidClient(res);
    const grant = this.tokens.get(body.token ?? "");
    if (!grant) return this.oauthError(res, 400, "invalid_request", "The access token is invalid or not found.");
    this.revoke(grant.accountId, "token_revoked");
    res.status(200).end();
  }

  /** Only the `fields` asked for, in the envelope. */
  private userInfo(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const fields = typeof req.query.fields === "string" ? req.query.fields : "";
    if (!fields) return this.envelope(res, 400, "invalid_params", "fields is required");
    const p = this.profileFor(account);
    const all = {
      open_id: p.accountId,
      union_id: `union_${p.accountId}`,
      avatar_url: p.avatarUrl,
      display_name: p.displayName,
      username: p.username,
    };
    this.envelope(res, 200, "ok", "", { user: pickFields(all, fields, []) });
  }

  private creatorInfo(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const profile = this.profileFor(account);
    this.envelope(res, 200, "ok", "", {
      creator_avatar_url: profile.avatarUrl,
      creator_username: profile.username,
      creator_nickname: profile.displayName,
      privacy_level_options: this.audited ? this.privacyOptions : ["SELF_ONLY"],
      comment_disabled: false,
      duet_disabled: false,
      stitch_disabled: false,
      max_video_post_duration_sec: 600,
    });
  }

  private init(req: Request, res: Response, kind: "video" | "photo") {
    const account = this.authorize(req, res);
    if (!account) return;
    const token = (req.get("authorization") ?? "").slice(7);
    const recent = (this.inits.get(token) ?? []).filter((t) => t > Date.now() - 60_000);
    if (recent.length >= 6) return this.envelope(res, 429, "rate_limit_exceeded", "6 requests per minute per token");
    this.inits.set(token, [...recent, Date.now()]);
    const body = req.body as {
      post_info?: Record<string, unknown>;
      source_info?: Record<string, unknown>;
      media_type?: string;
      post_mode?: string;
    };
    const info = body.post_info ?? {};
    const source = body.source_info ?? {};
    const privacy = String(info.privacy_level ?? "");
    if (!this.privacyOptions.includes(privacy))
      return this.envelope(res, 400, "invalid_params", "privacy_level is required");
    if (!this.audited && privacy !== "SELF_ONLY") {
      return this.envelope(
        res,
        403,
        "unaudited_client_can_only_post_to_private_accounts",
        "Unaudited clients can only post with SELF_ONLY.",
      );
    }
    const day = this.postsOf(account).filter((p) => p.createdAt > this.now() - 86400_000).length;
    if (day >= this.dailyCap)
      return this.envelope(res, 403, "spam_risk_too_many_posts", "The creator has reached the daily post cap.");
    const id = `v_pub_${kind === "photo" ? "photo" : "video"}~${this.id()}`;
    const base: Publish = {
      id,
      accountId: account,
      kind,
      privacy,
      title: String(info.title ?? info.description ?? ""),
      source: "PULL_FROM_URL",
      size: 0,
      chunkSize: 0,
      chunks: 0,
      received: 0,
      digest: new UploadDigest(),
      fetched: null,
      polls: 0,
      startedAt: this.now(),
      status: "PROCESSING_DOWNLOAD",
      failReason: null,
      postId: null,
      media: [],
    };
    if (kind === "photo") {
      if (body.media_type !== "PHOTO" || body.post_mode !== "DIRECT_POST")
        return this.envelope(res, 400, "invalid_params", "media_type PHOTO and post_mode are required");
      if (String(info.title ?? "").length > 90 || String(info.description ?? "").length > 4000)
        return this.envelope(res, 400, "invalid_params", "title or description too long");
      const images = (source.photo_images as string[] | undefined) ?? [];
      if (source.source !== "PULL_FROM_URL" || images.length < 1 || images.length > 35)
        return this.envelope(res, 400, "invalid_params", "photo_images must hold 1 to 35 URLs");
      base.title = String(info.description ?? "");
      base.media = images;
      base.fetched = Promise.all(images.map((u) => fetchMedia(u))).then(
        (all) => all.find((f) => !f.ok) ?? { ok: true, bytes: 0, contentType: "image/jpeg" },
      );
      this.publishes.set(id, base);
      return this.envelope(res, 200, "ok", "", { publish_id: id });
    }
    if (String(info.title ?? "").length > 2200) return this.envelope(res, 400, "invalid_params", "title is too long");
    if (source.source === "PULL_FROM_URL") {
      const url = String(source.video_url ?? "");
      if (!this.verifiedPrefixes.some((p) => url.startsWith(p)))
        return this.envelope(res, 403, "url_ownership_unverified", "The URL's domain or prefix is not verified.");
      this.publishes.set(id, { ...base, media: [url], fetched: fetchMedia(url) });
      return this.envelope(res, 200, "ok", "", { publish_id: id });
    }
    if (source.source !== "FILE_UPLOAD")
      return this.envelope(res, 400, "invalid_params", "source must be FILE_UPLOAD or PULL_FROM_URL");
    const size = Number(source.video_size);
    const chunk = Number(source.chunk_size);
    const count = Number(source.total_chunk_count);
    const whole =
      size < 5 * MB
        ? chunk === size && count === 1
        : chunk >= 5 * MB && chunk <= 64 * MB && count === Math.floor(size / chunk);
    const lastChunk = size - (count - 1) * chunk;
    if (!Number.isInteger(size) || size <= 0 || !whole || count < 1 || count > 1000 || lastChunk > 128 * MB) {
      return this.envelope(
        res,
        400,
        "invalid_params",
        "The chunk_size or total_chunk_count does not follow the media transfer rules.",
      );
    }
    this.publishes.set(id, {
      ...base,
      source: "FILE_UPLOAD",
      size,
      chunkSize: chunk,
      chunks: count,
      status: "PROCESSING_UPLOAD",
    });
    const upload_url = `${req.protocol}://${req.get("host")}/upload/${encodeURIComponent(id)}`;
    this.envelope(res, 200, "ok", "", { publish_id: id, upload_url });
  }

  private async chunk(req: Request, res: Response) {
    const p = this.publishes.get(decodeURIComponent(String(req.params.id)));
    if (!p || p.source !== "FILE_UPLOAD") return void res.status(404).end();
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.get("content-range") ?? "");
    // Hashed as it arrives (a final chunk may be 128 MB), counted into the file once accepted.
    const body = await p.digest.read(req);
    const index = p.received;
    const first = index * p.chunkSize;
    const last = index === p.chunks - 1 ? p.size - 1 : first + p.chunkSize - 1;
    if (
      !range ||
      Number(range[1]) !== first ||
      Number(range[2]) !== last ||
      Number(range[3]) !== p.size ||
      body.length !== last - first + 1
    ) {
      return void res
        .status(400)
        .json({ error: { code: "invalid_params", message: `expected bytes ${first}-${last}/${p.size}` } });
    }
    if (!["video/mp4", "video/quicktime", "video/webm"].includes(req.get("content-type") ?? ""))
      return void res.status(415).end();
    body.keep(true);
    p.received += 1;
    if (p.received < p.chunks) return void res.status(206).end();
    // The last chunk is the commit: from here the video is posted whatever the caller hears.
    p.status = "PROCESSING_DOWNLOAD";
    p.startedAt = this.now();
    p.fetched = Promise.resolve({ ok: true, bytes: p.size, contentType: "video/mp4" });
    this.receivedMedia.push(p.digest.received(p.id, p.accountId));
    this.record(p);
    res.status(201).end();
  }

  private record(p: Publish): void {
    const post = this.publish({
      accountId: p.accountId,
      kind: p.kind,
      text: p.title,
      media: p.media,
      details: { privacy: p.privacy, publishId: p.id },
    });
    p.postId = p.privacy === "SELF_ONLY" ? null : post.id;
  }

  private async status(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const p = this.publishes.get(String((req.body as { publish_id?: string }).publish_id));
    if (!p) return this.envelope(res, 400, "invalid_publish_id", "publish_id does not exist");
    if (p.accountId !== account)
      return this.envelope(res, 403, "token_not_authorized_for_specified_publish_id", "not your publish");
    if (p.status === "PROCESSING_DOWNLOAD") {
      p.polls += 1;
      if (this.processed(p.polls, p.startedAt) && p.fetched) {
        const fetched = await p.fetched;
        if (p.status === "PROCESSING_DOWNLOAD") {
          if (!fetched.ok) {
            p.status = "FAILED";
            p.failReason = p.kind === "photo" ? "photo_pull_failed" : "video_pull_failed";
          } else {
            p.status = "PUBLISH_COMPLETE";
            if (p.source === "PULL_FROM_URL") this.record(p);
          }
        }
      }
    }
    this.envelope(res, 200, "ok", "", {
      status: p.status,
      ...(p.failReason ? { fail_reason: p.failReason } : {}),
      ...(p.postId ? { publicaly_available_post_id: [p.postId] } : {}),
      uploaded_bytes: p.source === "FILE_UPLOAD" ? Math.min(p.size, p.received * p.chunkSize) : 0,
    });
  }
}
