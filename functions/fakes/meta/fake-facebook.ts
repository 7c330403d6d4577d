import type { Request, Response } from "express";
import type { FakeOptions, FakePost, TokenGrant } from "../kit/fake-platform";
import { fetchMedia, type Fetched } from "../kit/media-fetch";
import { pickFields, stringParams, type FakePage, type FakeProfile } from "../kit/oauth";
import { FakeGraph, LONG_LIVED_SECONDS, META_DENIAL, SHORT_LIVED_SECONDS } from "./fake-graph";

const SCOPES = [
  "public_profile",
  "email",
  "pages_show_list",
  "pages_manage_posts",
  "pages_read_engagement",
  "pages_manage_engagement",
  "pages_read_user_engagement",
  "pages_manage_metadata",
  "publish_video",
  "business_management",
  "read_insights",
  "instagram_basic",
  "instagram_content_publish",
];
const ALL_TASKS = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"];

interface Video {
  id: string;
  pageId: string;
  fetched: Promise<Fetched>;
  polls: number;
  state: "processing" | "ready" | "error";
  startedAt: number;
}

/**
 * Facebook Pages (Graph API v25.0): feed posts with message/link/attached_media, photos by URL
 * (published or not), videos by file_url with processing status, code 506 for a duplicate of a
 * recent post, Page tokens without expiry, and the X-App-Usage header. Facebook Login: the OAuth
 * dialog, the code exchange for a short-lived user token and `fb_exchange_token` for a long-lived
 * one, `GET /me`, `GET /me/accounts` with a Page token per Page (never expiring when the user token
 * is long-lived, an hour otherwise), and `DELETE /me/permissions`.
 */
export class FakeFacebook extends FakeGraph {
  readonly photos = new Map<string, { pageId: string; url: string; attached: boolean }>();
  readonly videos = new Map<string, Video>();

  constructor(options: FakeOptions = {}) {
    super("facebook", options);
    this.realisticProcessingMs = 60_000;
    const r = this.router;
    r.use((_req, res, next) => {
      res.set("x-app-usage", JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 1 }));
      next();
    });
    this.authorizePage("/v25.0/dialog/oauth", {
      scopeDelimiter: /[ ,]/,
      scopes: SCOPES,
      pkce: { required: false, methods: ["S256", "plain"] },
      denial: { ...META_DENIAL, error_code: "200" },
    });
    r.get(["/oauth/access_token", "/v25.0/oauth/access_token"], (req, res) => this.accessToken(req, res));
    r.get("/v25.0/me", (req, res) => this.me(req, res));
    r.get("/v25.0/me/accounts", (req, res) => this.accounts(req, res));
    r.delete("/v25.0/me/permissions", (req, res) => this.deauthorize(req, res));
    r.post("/v25.0/:page/feed", (req, res) => this.feed(req, res));
    r.post("/v25.0/:page/photos", (req, res) => void this.photo(req, res));
    r.post("/v25.0/:page/videos", (req, res) => this.video(req, res));
    r.get("/v25.0/:page/feed", (req, res) => this.list(req, res, "feed"));
    r.get("/v25.0/:page/videos", (req, res) => this.list(req, res, "videos"));
    r.get("/v25.0/:id", (req, res) => void this.read(req, res));
  }

  /** A user with two Pages, so the local stack and tests meet the choice between them. */
  protected override profileDefaults(accountId: string): FakeProfile {
    const base = super.profileDefaults(accountId);
    const page = (n: number): FakePage => ({
      id: `${accountId}_page_${n}`,
      name: `${base.displayName} Page ${n}`,
      avatarUrl: `https://avatars.fake.test/facebook/${accountId}_page_${n}.jpg`,
    });
    return { ...base, pages: [page(1), page(2)] };
  }

  /** The Page with this id among the signed-in users' Pages. */
  private pageOf(id: string): FakePage | undefined {
    for (const profile of this.profiles.values()) {
      const page = profile.pages?.find((p) => p.id === id);
      if (page) return page;
    }
    return undefined;
  }

  /** The code exchange, or with `grant_type=fb_exchange_token` the long-lived exchange. */
  private accessToken(req: Request, res: Response) {
    const q = stringParams(req.query);
    if (!this.clientAuthenticated(req, q)) return this.invalidClient(res, q);
    if (q.grant_type === "fb_exchange_token") return this.exchange(q, res);
    const code = this.redeemCode({ code: q.code, redirectUri: q.redirect_uri, codeVerifier: q.code_verifier });
    if (typeof code === "string") return this.codeRejected(res, code);
    const grant = this.grantFromCode(code, { refresh: false, ttlSeconds: SHORT_LIVED_SECONDS });
    res.json({ access_token: grant.accessToken, token_type: "bearer", expires_in: SHORT_LIVED_SECONDS });
  }

  private exchange(q: Record<string, string>, res: Response) {
    const short = this.liveGrant(q.fb_exchange_token, res);
    if (!short) return;
    const long = this.grant(short.accountId, { refresh: false, ttlSeconds: LONG_LIVED_SECONDS, derivedFrom: short });
    res.json({ access_token: long.accessToken, token_type: "bearer", expires_in: LONG_LIVED_SECONDS });
  }

  /** The user behind a user token, or the Page behind a Page token. */
  private me(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const page = this.pageOf(account);
    const profile = this.profileFor(account);
    const all = page
      ? { id: page.id, name: page.name, picture: this.picture(page.avatarUrl) }
      : { id: account, name: profile.displayName, picture: this.picture(profile.avatarUrl) };
    res.json(pickFields(all, stringParams(req.query).fields, ["name"]));
  }

  private picture(url: string) {
    return { data: { height: 50, width: 50, is_silhouette: false, url } };
  }

  /**
   * The user's Pages with a Page token each. A Page token lives as long as the user token it came
   * from: none from a long-lived one, an hour from a short-lived one. Without pages_show_list the
   * list is empty (the user unticked it).
   */
  private accounts(req: Request, res: Response) {
    const grant = this.grantOf(req, res);
    if (!grant) return;
    if (this.pageOf(grant.accountId))
      return this.invalid(res, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)");
    const pages = this.hasScope(grant, "pages_show_list") ? (this.profileFor(grant.accountId).pages ?? []) : [];
    const fields = stringParams(req.query).fields;
    const data = pages.map((page) =>
      pickFields(this.pageAccount(page, grant), fields, ["name", "access_token", "category", "tasks"]),
    );
    res.json({ data, paging: { cursors: { before: "QVFIUmJl", after: "QVFIUmFm" } } });
  }

  private pageAccount(page: FakePage, user: TokenGrant) {
    const longLived = user.expiresAt === null || user.expiresAt - user.issuedAt > 24 * 3600_000;
    const token = this.grant(page.id, {
      refresh: false,
      ttlSeconds: longLived ? null : SHORT_LIVED_SECONDS,
      derivedFrom: user,
    });
    return {
      id: page.id,
      name: page.name,
      access_token: token.accessToken,
      category: "Brand",
      picture: this.picture(page.avatarUrl),
      tasks: page.tasks ?? ALL_TASKS,
    };
  }

  /** The user removes the app: every token of theirs, Page tokens included, stops working. */
  private deauthorize(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    this.revoke(account);
    res.json({ success: true });
  }

  private page(req: Request, res: Response): string | null {
    const account = this.authorize(req, res);
    if (!account) return null;
    if (req.params.page !== account) {
      this.invalid(res, "(#200) The user hasn't authorized the application to perform this action", 200);
      return null;
    }
    return account;
  }

  private duplicate(page: string, message: string | undefined): boolean {
    return !!message && this.postsOf(page).some((p) => p.text === message && p.createdAt > this.now() - 3600_000);
  }

  private feed(req: Request, res: Response) {
    const page = this.page(req, res);
    if (!page) return;
    const p = req.body as { message?: string; link?: string; attached_media?: string[] };
    const attached = (p.attached_media ?? []).map((m) => String((JSON.parse(m) as { media_fbid?: string }).media_fbid));
    if (!p.message && !p.link && attached.length === 0)
      return this.invalid(res, "(#100) Missing message or attachment");
    for (const id of attached) {
      const photo = this.photos.get(id);
      if (!photo || photo.pageId !== page || photo.attached)
        return this.invalid(res, `(#100) Invalid media_fbid ${id}`);
    }
    if (this.duplicate(page, p.message)) return this.invalid(res, "(#506) Duplicate status message", 506);
    for (const id of attached) this.photos.get(id)!.attached = true;
    const post = this.publish({
      id: `${page}_${this.id()}`,
      accountId: page,
      kind: attached.length ? "multi_photo" : p.link ? "link" : "status",
      text: p.message ?? "",
      media: attached.map((id) => this.photos.get(id)!.url),
      details: { link: p.link ?? null, photoIds: attached },
    });
    res.json({ id: post.id });
  }

  private async photo(req: Request, res: Response) {
    const page = this.page(req, res);
    if (!page) return;
    const p = req.body as { url?: string; message?: string; published?: string };
    if (!p.url) return this.invalid(res, "(#324) Requires upload file", 324);
    const fetched = await fetchMedia(p.url);
    if (!fetched.ok) return this.invalid(res, "(#324) Missing or invalid image file", 324);
    const photoId = this.id();
    this.photos.set(photoId, { pageId: page, url: p.url, attached: p.published === "false" ? false : true });
    if (p.published === "false") return void res.json({ id: photoId });
    if (this.duplicate(page, p.message)) return this.invalid(res, "(#506) Duplicate status message", 506);
    const post = this.publish({
      id: `${page}_${photoId}`,
      accountId: page,
      kind: "photo",
      text: p.message ?? "",
      media: [p.url],
      details: { photoIds: [photoId] },
    });
    res.json({ id: photoId, post_id: post.id });
  }

  private video(req: Request, res: Response) {
    const page = this.page(req, res);
    if (!page) return;
    const p = req.body as { file_url?: string; description?: string; title?: string };
    if (!p.file_url) return this.invalid(res, "(#100) file_url or source is required", 100);
    const id = this.id();
    this.videos.set(id, {
      id,
      pageId: page,
      fetched: fetchMedia(p.file_url),
      polls: 0,
      state: "processing",
      startedAt: this.now(),
    });
    this.publish({
      id,
      accountId: page,
      kind: "video",
      text: p.description ?? "",
      media: [p.file_url],
      details: { title: p.title ?? null },
    });
    res.json({ id });
  }

  /**
   * A Page's feed or videos, newest first, from `since` (epoch seconds): `created_time` to the
   * second with Meta's `+0000` offset, and on the feed each post's `attachments` when `fields`
   * asks (a photo, an album of photos with their ids, or a shared link).
   */
  private list(req: Request, res: Response, edge: "feed" | "videos") {
    const page = this.page(req, res);
    if (!page) return;
    const q = stringParams(req.query);
    const since = Number(q.since ?? 0) * 1000;
    const withAttachments = (q.fields ?? "").includes("attachments");
    const data = this.listed(page)
      .filter((p) => (edge === "videos") === (p.kind === "video") && p.createdAt >= since)
      .reverse()
      .slice(0, Number(q.limit ?? 25))
      .map((p) => ({
        id: p.id,
        [edge === "videos" ? "description" : "message"]: p.text,
        created_time: new Date(p.createdAt).toISOString().replace(/\.\d{3}Z$/, "+0000"),
        ...(withAttachments && edge === "feed" ? this.attachments(p) : {}),
      }));
    res.json({ data });
  }

  private attachments(post: FakePost) {
    const photo = (id: string) => ({ type: "photo", media_type: "photo", target: { id } });
    const photoIds = (post.details.photoIds as string[] | undefined) ?? [];
    const link = post.details.link as string | null | undefined;
    if (photoIds.length === 1) return { attachments: { data: [photo(photoIds[0]!)] } };
    if (photoIds.length > 1) {
      return {
        attachments: { data: [{ type: "album", media_type: "album", subattachments: { data: photoIds.map(photo) } }] },
      };
    }
    if (link) {
      const shim = `https://l.facebook.com/l.php?u=${encodeURIComponent(link)}`;
      return { attachments: { data: [{ type: "share", media_type: "link", url: shim, unshimmed_url: link }] } };
    }
    return {};
  }

  private async read(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const video = this.videos.get(String(req.params.id));
    if (!video || video.pageId !== account) return this.notFound(req, res);
    video.polls += 1;
    if (video.state === "processing" && this.processed(video.polls, video.startedAt)) {
      video.state = (await video.fetched).ok ? "ready" : "error";
    }
    res.json({
      id: video.id,
      status: {
        video_status: video.state,
        processing_phase: {
          status: video.state === "error" ? "error" : video.state === "ready" ? "complete" : "in_progress",
          ...(video.state === "error" ? { error: { message: "The video file could not be downloaded" } } : {}),
        },
      },
    });
  }
}
