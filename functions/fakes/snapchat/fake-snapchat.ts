import { createDecipheriv, type Decipher } from "node:crypto";
import express, { type Request, type Response } from "express";
import { FakePlatform, type TokenGrant, type FakeOptions } from "../kit/fake-platform";
import { UploadDigest } from "../kit/upload-digest";

const DEFAULT_SCOPE = "snapchat-profile-api";
const SCOPES = [
  "snapchat-profile-api",
  "snapchat-marketing-api",
  "https://auth.snapchat.com/oauth2/api/user.display_name",
  "https://auth.snapchat.com/oauth2/api/user.bitmoji.avatar",
  "https://auth.snapchat.com/oauth2/api/user.external_id",
];

interface Media {
  id: string;
  profile: string;
  type: "VIDEO" | "IMAGE";
  /** Decrypts the parts as they arrive, in order: the CBC stream runs across them. */
  decipher: Decipher;
  /** The decrypted bytes counted and hashed (never kept). */
  digest: UploadDigest;
  parts: number;
  /** Decryption failed (wrong key, IV or padding): FINALIZE refuses the media. */
  broken: boolean;
  ready: boolean;
}

const EDGES = ["stories", "saved_stories", "spotlights"] as const;

/**
 * Snap's Public Profile API as far as it is documented (and as third-party clients use it): media
 * created with an AES-256-CBC key and IV, encrypted multipart parts (≤ 32 MB, part numbers 1–35,
 * taken in order: the fake decrypts and hashes them as they arrive instead of keeping them),
 * FINALIZE checking the decryption's padding, then stories, saved stories (title ≤ 45) and Spotlight (video
 * only, description ≤ 160), answering `request_status` SUCCESS or ERROR. OAuth: the authorize page,
 * the code exchange (one-hour tokens, rotating refresh tokens) and `GET .../my_profile`, whose
 * `public_profile.id` the publishing endpoints take.
 */
export class FakeSnapchat extends FakePlatform {
  readonly media = new Map<string, Media>();

  constructor(options: FakeOptions = {}) {
    super("snapchat", options);
    this.accessTokenTtlSeconds = 3600;
    this.authorizePage("/login/oauth2/authorize", {
      scopeDelimiter: / /,
      scopes: SCOPES,
      denial: { error: "access_denied", error_description: "The user denied the authorization request." },
    });
    const r = this.router;
    r.post("/login/oauth2/access_token", (req, res) => this.token(req, res));
    r.get("/v1/public_profiles/my_profile", (req, res) => this.myProfile(req, res));
    r.post("/v1/public_profiles/:profile/media", (req, res) => this.create(req, res));
    r.post(
      "/v1/public_profiles/:profile/media/:id/multipart-upload",
      express.raw({ type: () => true, limit: "64mb" }),
      (req, res) => void this.part(req, res),
    );
    for (const edge of EDGES) {
      r.post(`/v1/public_profiles/:profile/${edge}`, (req, res) => this.post(req, res, edge));
      r.get(`/v1/public_profiles/:profile/${edge}`, (req, res) => this.list(req, res, edge));
    }
  }

  private error(res: Response, status: number, message: string, code = "E1001") {
    res.status(status).json({
      request_status: "ERROR",
      request_id: this.id("req"),
      debug_message: message,
      display_message: message,
      error_code: code,
    });
  }

  protected notFound(_req: Request, res: Response) {
    this.error(res, 404, "Resource not found", "E1004");
  }

  protected unauthorized(res: Response, reason: string) {
    this.error(res, 401, `Unauthorized: ${reason}`, "E3003");
  }

  protected transientFailure() {
    return {
      status: 503,
      body: { request_status: "ERROR", debug_message: "Service unavailable", error_code: "E5000" },
    };
  }

  protected rateLimitFailure() {
    return { status: 429, body: { request_status: "ERROR", debug_message: "Too many requests", error_code: "E1010" } };
  }

  private token(req: Request, res: Response) {
    const body = req.body as Record<string, string>;
    if (!this.clientAuthenticated(req, body)) return void res.status(401).json({ error: "invalid_client" });
    if (body.grant_type === "authorization_code") return this.codeGrant(body, res);
    const grant = body.grant_type === "refresh_token" ? this.redeemRefresh(body.refresh_token ?? "", true) : null;
    if (!grant) return void res.status(400).json({ error: "invalid_grant" });
    res.json(this.tokenBody(grant));
  }

  private codeGrant(body: Record<string, string>, res: Response) {
    const code = this.redeemCode({ code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
    if (typeof code === "string")
      return void res.status(400).json({ error: "invalid_grant", error_description: "Invalid authorization code" });
    res.json(this.tokenBody(this.grantFromCode(code)));
  }

  private tokenBody(grant: TokenGrant) {
    return {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_in: this.accessTokenTtlSeconds,
      token_type: "Bearer",
      scope: grant.scopes?.join(" ") ?? DEFAULT_SCOPE,
    };
  }

  private myProfile(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const p = this.profileFor(account);
    res.json({
      request_status: "SUCCESS",
      request_id: this.id("req"),
      public_profile: {
        id: p.accountId,
        display_name: p.displayName,
        username: p.username,
        logo_urls: { original_logo_url: p.avatarUrl },
      },
    });
  }

  private owner(req: Request, res: Response): string | null {
    const account = this.authorize(req, res);
    if (!account) return null;
    if (req.params.profile !== account) {
      this.error(res, 403, "Not authorized for this public profile", "E3001");
      return null;
    }
    return account;
  }

  private create(req: Request, res: Response) {
    const profile = this.owner(req, res);
    if (!profile) return;
    const b = req.body as { type?: string; name?: string; key?: string; iv?: string };
    const key = Buffer.from(b.key ?? "", "base64");
    const iv = Buffer.from(b.iv ?? "", "base64");
    if ((b.type !== "VIDEO" && b.type !== "IMAGE") || !b.name || key.length !== 32 || iv.length !== 16) {
      return this.error(res, 400, "type, name, a 32-byte key and a 16-byte iv are required");
    }
    const id = this.id("m");
    this.media.set(id, {
      id,
      profile,
      type: b.type,
      decipher: createDecipheriv("aes-256-cbc", key, iv),
      digest: new UploadDigest(),
      parts: 0,
      broken: false,
      ready: false,
    });
    const path = `/v1/public_profiles/${profile}/media/${id}/multipart-upload`;
    res.json({
      request_status: "SUCCESS",
      request_id: this.id("req"),
      media_id: id,
      add_path: `${path}?action=ADD`,
      finalize_path: `${path}?action=FINALIZE`,
    });
  }

  private async part(req: Request, res: Response) {
    const profile = this.owner(req, res);
    if (!profile) return;
    const media = this.media.get(String(req.params.id));
    if (!media || media.profile !== profile) return this.error(res, 404, "Media not found", "E1004");
    const form = await new Response(req.body as Buffer, { headers: { "content-type": req.get("content-type") ?? "" } })
      .formData()
      .catch(() => null);
    const action = form?.get("action");
    if (action === "ADD") {
      const part = Number(form?.get("part_number"));
      const file = form?.get("file");
      if (!Number.isInteger(part) || part < 1 || part > 35 || !(file instanceof Blob))
        return this.error(res, 400, "part_number 1-35 and file are required");
      if (file.size > 32 * 1024 * 1024) return this.error(res, 400, "parts are at most 32 MB");
      if (media.ready || part !== media.parts + 1)
        return this.error(res, 400, `part ${part} is out of order (next: ${media.parts + 1})`);
      media.parts = part;
      try {
        media.digest.update(media.decipher.update(Buffer.from(await file.arrayBuffer())));
      } catch {
        media.broken = true;
      }
      return void res.json({ request_status: "SUCCESS", request_id: this.id("req") });
    }
    if (action === "FINALIZE") {
      if (!media.ready) {
        try {
          if (media.broken || media.parts === 0) throw new Error("nothing decrypted");
          media.digest.update(media.decipher.final());
        } catch {
          media.broken = true;
          return this.error(res, 400, "The uploaded media could not be decrypted with its key and iv", "E2002");
        }
        media.ready = true;
        this.receivedMedia.push(media.digest.received(media.id, profile));
      }
      return void res.json({ request_status: "SUCCESS", request_id: this.id("req") });
    }
    this.error(res, 400, "action must be ADD or FINALIZE");
  }

  private post(req: Request, res: Response, edge: (typeof EDGES)[number]) {
    const profile = this.owner(req, res);
    if (!profile) return;
    const b = req.body as { media_id?: string; description?: string; title?: string; locale?: string };
    const media = this.media.get(b.media_id ?? "");
    if (!media || media.profile !== profile || !media.ready)
      return this.error(res, 400, "media_id is not a finalized media of this profile");
    if (edge === "spotlights" && media.type !== "VIDEO") return this.error(res, 400, "Spotlight takes video only");
    if (edge === "spotlights" && [...(b.description ?? "")].length > 160)
      return this.error(res, 400, "description is over 160 characters");
    if (edge === "saved_stories" && (!b.title || [...b.title].length > 45))
      return this.error(res, 400, "title of 1 to 45 characters is required");
    const post = this.publish({
      accountId: profile,
      kind: edge,
      text: b.description ?? b.title ?? "",
      media: [media.id],
      details: { media_id: media.id },
    });
    res.json({ request_status: "SUCCESS", request_id: this.id("req"), [edge]: [{ id: post.id, media_id: media.id }] });
  }

  private list(req: Request, res: Response, edge: (typeof EDGES)[number]) {
    const profile = this.owner(req, res);
    if (!profile) return;
    const items = this.listed(profile)
      .filter((p) => p.kind === edge)
      .map((p) => ({ id: p.id, media_id: p.details.media_id, created_at: new Date(p.createdAt).toISOString() }));
    res.json({ request_status: "SUCCESS", request_id: this.id("req"), [edge]: items });
  }
}
