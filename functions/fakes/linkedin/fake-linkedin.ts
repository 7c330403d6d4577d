import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { FakePlatform, type FakePost, type FakeOptions } from "../kit/fake-platform";
import { UploadDigest } from "../kit/upload-digest";
import { splitName, type FakeProfile } from "../kit/oauth";

const PART_BYTES = 4 * 1024 * 1024;
const SCOPES = [
  "openid",
  "profile",
  "email",
  "w_member_social",
  "r_organization_social",
  "w_organization_social",
  "rw_organization_admin",
];
/** A refresh token lives 365 days from the first consent (it does not reset on refresh). */
const REFRESH_TOKEN_SECONDS = 365 * 86400;
const RESERVED = "\\|{}@[]()<>#*_~";

interface VideoUpload {
  owner: string;
  size: number;
  parts: Map<number, string>;
  /** The bytes counted and hashed as parts arrive (never kept). */
  digest: UploadDigest;
  token: string;
  status: "WAITING_UPLOAD" | "PROCESSING" | "AVAILABLE" | "PROCESSING_FAILED";
  polls: number;
  /** When finalize started processing, in the platform's clock. */
  startedAt: number;
}

/**
 * What LinkedIn shows of a little-text commentary: it is cut at the first unescaped reserved
 * character (the silent truncation that escaping prevents); templates and escapes resolve.
 */
export function displayedCommentary(commentary: string): string {
  let out = "";
  for (let i = 0; i < commentary.length; i += 1) {
    const c = commentary[i]!;
    if (c === "\\" && i + 1 < commentary.length) {
      out += commentary[i + 1];
      i += 1;
    } else if (c === "{" && commentary.startsWith("{hashtag|\\#|", i)) {
      const end = commentary.indexOf("}", i);
      out += `#${commentary.slice(i + 12, end)}`;
      i = end;
    } else if (RESERVED.includes(c)) {
      return out;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * LinkedIn's REST API as documented: LinkedIn-Version and X-Restli-Protocol-Version required,
 * /rest/posts answering 201 with an empty body and the URN in x-restli-id, 422 DUPLICATE_POST
 * naming the original, images and byte-range video parts with ETags, video status polling, the
 * author finder, little-text truncation, and OAuth: the authorization page, the code exchange
 * (60-day tokens; refresh tokens only for approved partners, `issueRefreshTokens`), the refresh
 * grant, OpenID `GET /v2/userinfo` and token revocation.
 */
export class FakeLinkedIn extends FakePlatform {
  readonly images = new Map<string, { owner: string; uploaded: boolean }>();
  readonly videoUploads = new Map<string, VideoUpload>();
  /** Only approved (MDP) partner apps get refresh tokens; others reconnect every 60 days. */
  issueRefreshTokens = false;

  constructor(options: FakeOptions = {}) {
    super("linkedin", options);
    // Realistic processing: a short video becomes AVAILABLE within seconds to a minute.
    this.realisticProcessingMs = 20_000;
    this.accessTokenTtlSeconds = 60 * 86400;
    this.authorizePage("/oauth/v2/authorization", {
      scopeDelimiter: / /,
      scopes: SCOPES,
      denial: { error: "user_cancelled_authorize", error_description: "The user cancelled the authorization" },
    });
    const r = this.router;
    r.post("/oauth/v2/accessToken", (req, res) => this.token(req, res));
    r.post("/oauth/v2/revoke", (req, res) => this.revokeEndpoint(req, res));
    r.get("/v2/userinfo", (req, res) => this.userinfo(req, res));
    r.put("/_upload/images/:id", (req, res) => void this.putImage(req, res));
    r.put("/_upload/videos/:id/:part", (req, res) => void this.putPart(req, res));
    r.use("/rest", (req, res, next) => this.versioned(req, res, next));
    r.post("/rest/posts", (req, res) => this.createPost(req, res));
    r.get("/rest/posts", (req, res) => this.findPosts(req, res));
    r.get("/rest/posts/:urn", (req, res) => this.getPost(req, res));
    r.post("/rest/images", (req, res) => this.initImage(req, res));
    r.post("/rest/videos", (req, res) => this.videos(req, res));
    r.get("/rest/videos/:urn", (req, res) => this.videoStatus(req, res));
  }

  protected notFound(_req: Request, res: Response) {
    res.status(404).json({ status: 404, code: "NOT_FOUND", message: "Not Found" });
  }

  protected unauthorized(res: Response, reason: string) {
    res.status(401).json({
      status: 401,
      serviceErrorCode: 65600,
      code: "INVALID_ACCESS_TOKEN",
      message: `Invalid access token (${reason})`,
    });
  }

  protected transientFailure() {
    return { status: 503, body: { status: 503, message: "Service Unavailable" } };
  }

  protected rateLimitFailure() {
    return {
      status: 429,
      body: {
        status: 429,
        serviceErrorCode: 101,
        message: "Resource level throttle limit for calls to this resource is reached.",
      },
    };
  }

  private unprocessable(res: Response, message: string, code: string) {
    res.status(422).json({
      errorDetailType: "com.linkedin.common.error.BadRequest",
      message,
      errorDetails: { inputErrors: [{ description: message, input: {}, code }] },
      status: 422,
    });
  }

  private versioned(req: Request, res: Response, next: () => void) {
    const version = req.get("linkedin-version") ?? "";
    if (!/^\d{6}$/.test(version) || version < "202511") {
      return void res
        .status(426)
        .json({ status: 426, code: "NONEXISTENT_VERSION", message: `Requested version ${version} is not active` });
    }
    if (req.get("x-restli-protocol-version") !== "2.0.0") {
      return void res.status(400).json({ status: 400, message: "X-Restli-Protocol-Version 2.0.0 is required" });
    }
    next();
  }

  protected override profileDefaults(accountId: string): FakeProfile {
    return { ...super.profileDefaults(accountId), email: `${accountId}@example.com` };
  }

  private invalidClient(res: Response) {
    res.status(401).json({ error: "invalid_client", error_description: "Client authentication failed" });
  }

  private token(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body)) return this.invalidClient(res);
    if (body.grant_type === "authorization_code") return this.codeGrant(body, res);
    const grant = body.grant_type === "refresh_token" ? this.redeemRefresh(body.refresh_token ?? "", false) : null;
    if (!grant)
      return void res.status(400).json({
        error: "invalid_grant",
        error_description: "The provided authorization grant or refresh token is invalid, expired or revoked.",
      });
    res.json({
      access_token: grant.accessToken,
      expires_in: this.accessTokenTtlSeconds,
      refresh_token: body.refresh_token,
      refresh_token_expires_in: 300 * 86400,
    });
  }

  private codeGrant(body: Record<string, string>, res: Response) {
    const code = this.redeemCode({ code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
    if (typeof code === "string")
      return void res.status(400).json({
        error: "invalid_request",
        error_description:
          "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists",
      });
    const grant = this.grantFromCode(code, { refresh: this.issueRefreshTokens });
    res.json({
      access_token: grant.accessToken,
      expires_in: this.accessTokenTtlSeconds,
      ...(grant.refreshToken
        ? { refresh_token: grant.refreshToken, refresh_token_expires_in: REFRESH_TOKEN_SECONDS }
        : {}),
      scope: code.scopes.join(","),
    });
  }

  private revokeEndpoint(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body)) return this.invalidClient(res);
    if (!body.token)
      return void res.status(400).json({ error: "invalid_request", error_description: "token is required" });
    this.revokeToken(body.token);
    res.status(200).end();
  }

  /** OpenID userinfo: needs `openid`; names and picture come with `profile`, the email with `email`. */
  private userinfo(req: Request, res: Response) {
    const grant = this.grantOf(req, res);
    if (!grant) return;
    if (!this.hasScope(grant, "openid"))
      return void res.status(403).json({
        status: 403,
        serviceErrorCode: 100,
        code: "ACCESS_DENIED",
        message: "Not enough permissions to access: userinfo.GET.NO_VERSION",
      });
    const p = this.profileFor(grant.accountId);
    const { given, family } = splitName(p.displayName);
    res.json({
      sub: p.accountId,
      ...(this.hasScope(grant, "profile")
        ? { name: p.displayName, given_name: given, family_name: family, picture: p.avatarUrl }
        : {}),
      locale: { country: "US", language: "en" },
      ...(p.email && this.hasScope(grant, "email") ? { email: p.email, email_verified: true } : {}),
    });
  }

  private author(account: string) {
    return `urn:li:person:${account}`;
  }

  private createPost(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const body = req.body as {
      author?: string;
      commentary?: string;
      visibility?: string;
      lifecycleState?: string;
      distribution?: unknown;
      content?: { media?: { id?: string }; multiImage?: { images?: { id?: string }[] } };
    };
    if (body.author !== this.author(account))
      return void res
        .status(403)
        .json({ status: 403, message: "Not enough permissions to create a post for this author" });
    if (body.lifecycleState !== "PUBLISHED")
      return this.unprocessable(res, "lifecycleState must be PUBLISHED", "INVALID_VALUE");
    if (!body.visibility || !body.distribution)
      return this.unprocessable(res, "visibility and distribution are required", "MISSING_FIELD");
    const media = body.content?.media?.id
      ? [body.content.media.id]
      : (body.content?.multiImage?.images ?? []).map((i) => String(i.id));
    for (const urn of media) {
      const image = this.images.get(urn);
      const video = this.videoUploads.get(urn);
      const ready =
        (image?.uploaded && image.owner === body.author) ||
        (video?.status === "AVAILABLE" && video.owner === body.author);
      if (!ready) return this.unprocessable(res, `Media ${urn} is not available`, "INVALID_VALUE");
    }
    if (media.length > 20) return this.unprocessable(res, "multiImage needs 2 to 20 images", "INVALID_VALUE");
    const commentary = body.commentary ?? "";
    const dup = this.postsOf(account).find(
      (p) => p.details.commentary === commentary && JSON.stringify(p.media) === JSON.stringify(media),
    );
    if (dup) return this.unprocessable(res, `Content is a duplicate of ${dup.id}`, "DUPLICATE_POST");
    const post = this.publish({
      id: `urn:li:share:${this.id()}`,
      accountId: account,
      kind: media.length ? "media" : "text",
      text: displayedCommentary(commentary),
      media,
      details: { commentary, visibility: body.visibility, content: body.content ?? null },
    });
    res.status(201).set("x-restli-id", post.id).end();
  }

  /** The author finder: newest first (by creation or by last change, the same here: posts are never edited). */
  private findPosts(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    if (req.query.q !== "author" || req.query.author !== this.author(account))
      return void res.status(400).json({ status: 400, message: "author finder requires q=author and your author" });
    const elements = this.listed(account)
      .reverse()
      .slice(0, Number(req.query.count ?? 10))
      .map((p) => this.postBody(p));
    res.json({ elements, paging: { start: 0, count: elements.length } });
  }

  private getPost(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const urn = decodeURIComponent(String(req.params.urn));
    const post = this.postsOf(account).find((p) => p.id === urn);
    if (!post) return this.notFound(req, res);
    res.json(this.postBody(post));
  }

  /** A post as the Posts API returns it: commentary in little text, times in epoch ms, its media. */
  private postBody(p: FakePost) {
    const content = p.details.content as Record<string, unknown> | null | undefined;
    return {
      id: p.id,
      author: this.author(p.accountId),
      commentary: p.details.commentary,
      visibility: p.details.visibility,
      lifecycleState: "PUBLISHED",
      createdAt: p.createdAt,
      publishedAt: p.createdAt,
      lastModifiedAt: p.createdAt,
      ...(content ? { content } : {}),
    };
  }

  private origin(req: Request) {
    return `${req.protocol}://${req.get("host")}`;
  }

  private initImage(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const owner = (req.body as { initializeUploadRequest?: { owner?: string } }).initializeUploadRequest?.owner;
    if (req.query.action !== "initializeUpload" || owner !== this.author(account))
      return this.unprocessable(res, "initializeUploadRequest.owner is invalid", "INVALID_VALUE");
    const id = this.id();
    const urn = `urn:li:image:${id}`;
    this.images.set(urn, { owner, uploaded: false });
    res.json({
      value: {
        uploadUrlExpiresAt: Date.now() + 3600_000,
        uploadUrl: `${this.origin(req)}/_upload/images/${id}`,
        image: urn,
      },
    });
  }

  /** The whole image in one PUT, hashed as it arrives. */
  private async putImage(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const image = this.images.get(`urn:li:image:${req.params.id}`);
    if (!image) return void res.status(400).end();
    const digest = new UploadDigest();
    const read = await digest.read(req);
    if (read.length === 0) return void res.status(400).end();
    read.keep(true);
    image.uploaded = true;
    this.receivedMedia.push(digest.received(`urn:li:image:${req.params.id}`, account));
    res.status(201).end();
  }

  private videos(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    if (req.query.action === "initializeUpload") {
      const r = (req.body as { initializeUploadRequest?: { owner?: string; fileSizeBytes?: number } })
        .initializeUploadRequest;
      if (r?.owner !== this.author(account) || !Number.isInteger(r.fileSizeBytes) || (r.fileSizeBytes ?? 0) <= 0) {
        return this.unprocessable(res, "initializeUploadRequest is invalid", "INVALID_VALUE");
      }
      const id = this.id();
      const urn = `urn:li:video:${id}`;
      const size = r.fileSizeBytes!;
      const upload: VideoUpload = {
        owner: r.owner,
        size,
        parts: new Map(),
        digest: new UploadDigest(),
        token: `tok_${id}`,
        status: "WAITING_UPLOAD",
        polls: 0,
        startedAt: 0,
      };
      this.videoUploads.set(urn, upload);
      const uploadInstructions = [];
      for (let first = 0, part = 0; first < size; first += PART_BYTES, part += 1) {
        const last = Math.min(size, first + PART_BYTES) - 1;
        uploadInstructions.push({
          uploadUrl: `${this.origin(req)}/_upload/videos/${id}/${part}`,
          firstByte: first,
          lastByte: last,
        });
      }
      return void res.json({
        value: { uploadUrlsExpireAt: Date.now() + 3600_000, video: urn, uploadInstructions, uploadToken: upload.token },
      });
    }
    if (req.query.action === "finalizeUpload") {
      const r = (
        req.body as { finalizeUploadRequest?: { video?: string; uploadToken?: string; uploadedPartIds?: string[] } }
      ).finalizeUploadRequest;
      const upload = this.videoUploads.get(r?.video ?? "");
      const expected = upload ? [...upload.parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]) : [];
      const parts = Math.ceil((upload?.size ?? 0) / PART_BYTES);
      if (
        !upload ||
        r?.uploadToken !== upload.token ||
        expected.length !== parts ||
        JSON.stringify(r.uploadedPartIds) !== JSON.stringify(expected)
      ) {
        return this.unprocessable(res, "uploadedPartIds do not match the uploaded parts", "INVALID_VALUE");
      }
      if (upload.status === "WAITING_UPLOAD")
        this.receivedMedia.push(upload.digest.received(String(r?.video), account));
      upload.status = "PROCESSING";
      upload.startedAt = this.now();
      return void res.status(200).end();
    }
    res.status(400).json({ status: 400, message: "Unknown action" });
  }

  /** One byte range of the video, which must be exactly the range its instruction gave; hashed as it arrives. */
  private async putPart(req: Request, res: Response) {
    if (!this.authorize(req, res)) return;
    const upload = this.videoUploads.get(`urn:li:video:${req.params.id}`);
    const part = Number(req.params.part);
    if (!upload || !Number.isInteger(part) || part < 0 || part * PART_BYTES >= upload.size)
      return void res.status(400).end();
    const md5 = createHash("md5");
    const read = await upload.digest.read(req, [md5]);
    if (read.length !== Math.min(upload.size, (part + 1) * PART_BYTES) - part * PART_BYTES)
      return void res.status(400).end();
    read.keep(part === upload.parts.size && !upload.parts.has(part));
    const etag = `/${md5.digest("hex")}`;
    upload.parts.set(part, etag);
    res.status(200).set("etag", etag).end();
  }

  private videoStatus(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const urn = decodeURIComponent(String(req.params.urn));
    const upload = this.videoUploads.get(urn);
    if (!upload || upload.owner !== this.author(account))
      return void res.status(403).json({ status: 403, message: "Accessing this video resource is forbidden" });
    if (upload.status === "PROCESSING") {
      upload.polls += 1;
      if (this.processed(upload.polls, upload.startedAt)) upload.status = "AVAILABLE";
    }
    res.json({ id: urn, owner: upload.owner, status: upload.status });
  }
}
