import type { Request, Response } from "express";
import { UploadDigest } from "../kit/upload-digest";
import { FakePlatform, type TokenGrant, type FakeOptions } from "../kit/fake-platform";
import type { FakeProfile } from "../kit/oauth";

const QUANTUM = 256 * 1024;
const GOOGLE = "https://www.googleapis.com/auth";
const UPLOAD_SCOPE = `${GOOGLE}/youtube.upload`;
const SCOPES = [
  "openid",
  "email",
  "profile",
  `${GOOGLE}/userinfo.email`,
  `${GOOGLE}/userinfo.profile`,
  `${GOOGLE}/youtube`,
  `${GOOGLE}/youtube.readonly`,
  UPLOAD_SCOPE,
  `${GOOGLE}/youtube.force-ssl`,
];
/** channels.list and videos.list do not accept youtube.upload. */
const READ_SCOPES = [`${GOOGLE}/youtube.readonly`, `${GOOGLE}/youtube`, `${GOOGLE}/youtube.force-ssl`];

interface Session {
  id: string;
  accountId: string;
  total: number;
  type: string;
  received: number;
  /** The bytes counted and hashed as chunks arrive (never kept). */
  digest: UploadDigest;
  metadata: { snippet: Record<string, unknown>; status: Record<string, unknown> };
  videoId: string | null;
  expired: boolean;
}

interface Video {
  id: string;
  accountId: string;
  polls: number;
  /** When the last chunk arrived and processing began, in the platform's clock. */
  startedAt: number;
  metadata: Session["metadata"];
}

/**
 * YouTube Data API v3 resumable uploads: a session URI in Location, 308 Resume Incomplete with
 * Range, `bytes *\/TOTAL` status queries, 404 for expired sessions, 201 with the video resource,
 * the 100-a-day videos.insert quota (quotaExceeded), videos.list processing status, Google's error
 * envelope, and Google OAuth: the consent page (`access_type=offline`: a refresh token on an
 * account's first consent, or again with `prompt=consent`), the code exchange, a refresh grant
 * that does not rotate the refresh token, revocation, and `channels.list` for the signed-in
 * account's channel (the Google account and its channel share the id).
 */
export class FakeYouTube extends FakePlatform {
  readonly sessions = new Map<string, Session>();
  readonly videos = new Map<string, Video>();
  insertQuota = 100;
  private inserts = 0;

  constructor(options: FakeOptions = {}) {
    super("youtube", options);
    // Realistic processing: a short video is processed within a minute or two.
    this.realisticProcessingMs = 60_000;
    this.accessTokenTtlSeconds = 3599;
    this.authorizePage("/o/oauth2/v2/auth", {
      scopeDelimiter: / /,
      scopes: SCOPES,
      pkce: { required: false, methods: ["S256", "plain"] },
      denial: { error: "access_denied" },
    });
    const r = this.router;
    r.post("/token", (req, res) => this.token(req, res));
    r.post("/revoke", (req, res) => this.revokeEndpoint(req, res));
    r.get("/youtube/v3/channels", (req, res) => this.channels(req, res));
    r.post("/upload/youtube/v3/videos", (req, res) => this.open(req, res));
    r.put("/upload/youtube/v3/videos", (req, res) => void this.put(req, res));
    r.get("/youtube/v3/videos", (req, res) => this.list(req, res));
  }

  private error(res: Response, status: number, reason: string, message: string) {
    res
      .status(status)
      .json({ error: { code: status, message, errors: [{ message, domain: "youtube.video", reason }] } });
  }

  protected notFound(_req: Request, res: Response) {
    this.error(res, 404, "notFound", "Not Found");
  }

  protected unauthorized(res: Response) {
    res.status(401).json({
      error: {
        code: 401,
        message: "Request had invalid authentication credentials.",
        errors: [{ message: "Invalid Credentials", domain: "global", reason: "authError" }],
        status: "UNAUTHENTICATED",
      },
    });
  }

  protected transientFailure() {
    return {
      status: 503,
      body: {
        error: {
          code: 503,
          message: "Backend Error",
          errors: [{ reason: "backendError", domain: "global", message: "Backend Error" }],
        },
      },
    };
  }

  protected rateLimitFailure() {
    return {
      status: 403,
      body: {
        error: {
          code: 403,
          message: "Rate limit exceeded",
          errors: [{ reason: "rateLimitExceeded", domain: "youtube.quota", message: "Rate limit exceeded" }],
        },
      },
    };
  }

  /** Makes a session forget itself, as YouTube does after about a week. */
  expireSessions(): void {
    for (const s of this.sessions.values()) s.expired = true;
  }

  protected override profileDefaults(accountId: string): FakeProfile {
    const base = super.profileDefaults(accountId);
    return {
      ...base,
      channel: { title: base.displayName, customUrl: `@${base.username}`, avatarUrl: base.avatarUrl },
    };
  }

  /** Google takes the client in the form or with HTTP Basic. */
  private token(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body, { basic: "allowed" }))
      return void res.status(401).json({ error: "invalid_client", error_description: "Unauthorized" });
    if (body.grant_type === "authorization_code") return this.codeGrant(body, res);
    const grant = body.grant_type === "refresh_token" ? this.redeemRefresh(body.refresh_token ?? "", false) : null;
    if (!grant)
      return void res
        .status(400)
        .json({ error: "invalid_grant", error_description: "Token has been expired or revoked." });
    res.json(this.tokenBody(grant));
  }

  private codeGrant(body: Record<string, string>, res: Response) {
    const code = this.redeemCode({ code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
    if (typeof code === "string")
      return void res.status(400).json({
        error: code === "redirect_uri" ? "redirect_uri_mismatch" : "invalid_grant",
        error_description: "Bad Request",
      });
    // Offline access yields a refresh token once per consent: again only when the user is re-prompted.
    const reprompted = (code.request.prompt ?? "").split(" ").includes("consent");
    const offline = code.request.access_type === "offline" && (code.firstConsent || reprompted);
    res.json(this.tokenBody(this.grantFromCode(code, { refresh: offline })));
  }

  private tokenBody(grant: TokenGrant) {
    return {
      access_token: grant.accessToken,
      expires_in: this.accessTokenTtlSeconds,
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
      scope: grant.scopes?.join(" ") ?? UPLOAD_SCOPE,
      token_type: "Bearer",
    };
  }

  /** Revoking an access or a refresh token ends the whole grant; the token comes in the query or the form. */
  private revokeEndpoint(req: Request, res: Response) {
    const token = String(req.query.token ?? (req.body as { token?: string }).token ?? "");
    if (!this.revokeToken(token))
      return void res.status(400).json({ error: "invalid_token", error_description: "Token expired or revoked" });
    res.status(200).end();
  }

  /** The grant behind a read call, which needs a read scope; null after answering. */
  private reader(req: Request, res: Response): TokenGrant | null {
    const grant = this.grantOf(req, res);
    if (grant && !this.hasScope(grant, ...READ_SCOPES)) {
      res.status(403).json({
        error: {
          code: 403,
          message: "Request had insufficient authentication scopes.",
          errors: [{ message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" }],
          status: "PERMISSION_DENIED",
        },
      });
      return null;
    }
    return grant;
  }

  private channels(req: Request, res: Response) {
    const grant = this.reader(req, res);
    if (!grant) return;
    if (!req.query.part) return this.error(res, 400, "required", "Required parameter: part");
    if (req.query.mine !== "true" && !req.query.id)
      return this.error(res, 400, "missingRequiredParameter", "No filter selected. Expected one of: id, mine.");
    const profile = this.profileFor(grant.accountId);
    const mine = req.query.mine === "true" || String(req.query.id).split(",").includes(profile.accountId);
    const items = profile.channel && mine ? [this.channel(profile.accountId, profile.channel)] : [];
    res.json({
      kind: "youtube#channelListResponse",
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
      items,
    });
  }

  private channel(id: string, channel: NonNullable<FakeProfile["channel"]>) {
    const thumbnail = (size: number) => ({ url: channel.avatarUrl, width: size, height: size });
    return {
      kind: "youtube#channel",
      id,
      snippet: {
        title: channel.title,
        description: "",
        customUrl: channel.customUrl,
        publishedAt: "2020-01-01T00:00:00Z",
        thumbnails: { default: thumbnail(88), medium: thumbnail(240), high: thumbnail(800) },
      },
    };
  }

  private open(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    if (req.query.uploadType !== "resumable")
      return this.error(res, 400, "invalidUploadType", "uploadType must be resumable");
    const total = Number(req.get("x-upload-content-length"));
    if (!Number.isInteger(total) || total <= 0)
      return this.error(res, 400, "mediaBodyRequired", "X-Upload-Content-Length is required");
    const metadata = req.body as Session["metadata"];
    const title = String(metadata.snippet?.title ?? "");
    if (!title || [...title].length > 100 || /[<>]/.test(title))
      return this.error(res, 400, "invalidTitle", "The request metadata specifies an invalid or empty video title.");
    if (Buffer.byteLength(String(metadata.snippet?.description ?? "")) > 5000)
      return this.error(res, 400, "invalidDescription", "The request metadata specifies an invalid video description.");
    if (!["public", "unlisted", "private"].includes(String(metadata.status?.privacyStatus ?? "public")))
      return this.error(res, 400, "invalidVideoMetadata", "Invalid privacyStatus");
    if (this.inserts >= this.insertQuota) {
      return this.error(
        res,
        403,
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your quota.",
      );
    }
    this.inserts += 1;
    const id = this.id("up");
    this.sessions.set(id, {
      id,
      accountId: account,
      total,
      type: req.get("x-upload-content-type") ?? "video/*",
      received: 0,
      digest: new UploadDigest(),
      metadata,
      videoId: null,
      expired: false,
    });
    res
      .status(200)
      .set(
        "location",
        `${req.protocol}://${req.get("host")}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`,
      )
      .end();
  }

  private resource(video: Video) {
    const processed = this.processed(video.polls, video.startedAt);
    return {
      kind: "youtube#video",
      id: video.id,
      snippet: video.metadata.snippet,
      status: {
        uploadStatus: processed ? "processed" : "uploaded",
        privacyStatus: video.metadata.status?.privacyStatus ?? "public",
      },
      processingDetails: { processingStatus: processed ? "succeeded" : "processing" },
    };
  }

  private async put(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const session = this.sessions.get(String(req.query.upload_id));
    if (!session || session.expired || session.accountId !== account)
      return this.error(res, 404, "notFound", "Upload session not found");
    const range = req.get("content-range") ?? "";
    const incomplete = () => {
      res.status(308);
      if (session.received > 0) res.set("range", `bytes=0-${session.received - 1}`);
      res.end();
    };
    const done = () => res.status(200).json(this.resource(this.videos.get(session.videoId!)!));
    const query = /^bytes \*\/(\d+)$/.exec(range);
    if (query) return session.videoId ? done() : incomplete();
    const chunk = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
    // The chunk is hashed as it arrives, and counted into the file only once it is accepted.
    const body = await session.digest.read(req);
    if (!chunk || Number(chunk[3]) !== session.total || Number(chunk[2]) - Number(chunk[1]) + 1 !== body.length) {
      return this.error(res, 400, "badContent", "Content-Range does not match the body");
    }
    if (session.videoId) return done();
    if (Number(chunk[1]) !== session.received) return incomplete();
    const end = Number(chunk[2]) + 1;
    if (end < session.total && body.length % QUANTUM !== 0)
      return this.error(res, 400, "badContent", "Chunks must be multiples of 256 KiB");
    body.keep(true);
    session.received = end;
    if (end < session.total) return incomplete();
    const video: Video = {
      id: this.id("yt"),
      accountId: account,
      polls: 0,
      startedAt: this.now(),
      metadata: session.metadata,
    };
    this.videos.set(video.id, video);
    session.videoId = video.id;
    this.receivedMedia.push(session.digest.received(video.id, account));
    this.publish({
      id: video.id,
      accountId: account,
      kind: "video",
      text: String(session.metadata.snippet?.title ?? ""),
      media: [],
      details: { ...session.metadata },
    });
    res.status(201).json(this.resource(video));
  }

  private list(req: Request, res: Response) {
    const account = this.reader(req, res)?.accountId;
    if (!account) return;
    const video = this.videos.get(String(req.query.id));
    if (!video || video.accountId !== account) return void res.json({ kind: "youtube#videoListResponse", items: [] });
    video.polls += 1;
    res.json({ kind: "youtube#videoListResponse", items: [this.resource(video)] });
  }
}
