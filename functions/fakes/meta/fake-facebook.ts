import type { Request, Response } from "express";
import { fetchMedia, type Fetched } from "../kit/media-fetch";
import { FakeGraph } from "./fake-graph";

interface Video {
  id: string;
  pageId: string;
  fetched: Promise<Fetched>;
  polls: number;
  state: "processing" | "ready" | "error";
}

/**
 * Facebook Pages (Graph API v25.0): feed posts with message/link/attached_media, photos by URL
 * (published or not), videos by file_url with processing status, code 506 for a duplicate of a
 * recent post, Page tokens without expiry, and the X-App-Usage header.
 */
export class FakeFacebook extends FakeGraph {
  readonly photos = new Map<string, { pageId: string; url: string; attached: boolean }>();
  readonly videos = new Map<string, Video>();

  constructor() {
    super("facebook");
    const r = this.router;
    r.use((_req, res, next) => {
      res.set("x-app-usage", JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 1 }));
      next();
    });
    r.post("/v25.0/:page/feed", (req, res) => this.feed(req, res));
    r.post("/v25.0/:page/photos", (req, res) => void this.photo(req, res));
    r.post("/v25.0/:page/videos", (req, res) => this.video(req, res));
    r.get("/v25.0/:page/feed", (req, res) => this.list(req, res, "feed"));
    r.get("/v25.0/:page/videos", (req, res) => this.list(req, res, "videos"));
    r.get("/v25.0/:id", (req, res) => void this.read(req, res));
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
    return !!message && this.postsOf(page).some((p) => p.text === message && p.createdAt > Date.now() - 3600_000);
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
      details: { link: p.link ?? null },
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
      details: {},
    });
    res.json({ id: photoId, post_id: post.id });
  }

  private video(req: Request, res: Response) {
    const page = this.page(req, res);
    if (!page) return;
    const p = req.body as { file_url?: string; description?: string; title?: string };
    if (!p.file_url) return this.invalid(res, "(#100) file_url or source is required", 100);
    const id = this.id();
    this.videos.set(id, { id, pageId: page, fetched: fetchMedia(p.file_url), polls: 0, state: "processing" });
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

  private list(req: Request, res: Response, edge: "feed" | "videos") {
    const page = this.page(req, res);
    if (!page) return;
    const data = this.postsOf(page)
      .filter((p) => (edge === "videos") === (p.kind === "video"))
      .reverse()
      .map((p) => ({
        id: p.id,
        [edge === "videos" ? "description" : "message"]: p.text,
        created_time: new Date(p.createdAt).toISOString(),
      }));
    res.json({ data });
  }

  private async read(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const video = this.videos.get(String(req.params.id));
    if (!video || video.pageId !== account) return this.notFound(req, res);
    video.polls += 1;
    if (video.state === "processing" && video.polls > this.processingPolls) {
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
