import type { Request, Response } from "express";
import type { FakeOptions, TokenGrant } from "../kit/fake-platform";
import { fetchMedia, type Fetched } from "../kit/media-fetch";
import {
  pickFields,
  stringParams,
  type AuthorizationCode,
  type AuthorizeDialect,
  type FakeProfile,
} from "../kit/oauth";
import { FakeGraph, LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS } from "./fake-graph";

interface Container {
  id: string;
  accountId: string;
  params: Record<string, string>;
  mediaUrl: string | null;
  fetched: Promise<Fetched>;
  children: string[];
  polls: number;
  state: "IN_PROGRESS" | "FINISHED" | "ERROR" | "EXPIRED" | "PUBLISHED";
  error: string | null;
  createdAt: number;
  /** When processing began, in the platform's clock (realistic processing counts from here). */
  startedAt: number;
}

export interface ContainerDialect {
  version: string;
  createEdge: string;
  publishEdge: string;
  quotaEdge: string;
  refreshGrantType: string;
  /** The short-lived to long-lived exchange's grant_type. */
  exchangeGrantType: string;
  /** The consent dialog at /oauth/authorize. */
  authorize: AuthorizeDialect;
  /** What the code exchange answers with its short-lived token. */
  codeBody(grant: TokenGrant, code: AuthorizationCode): Record<string, unknown>;
  /** Every field `GET /me` can give (it answers those `fields` asks for). */
  profileBody(profile: FakeProfile): Record<string, unknown>;
  textField: "text" | "caption";
  maxChildren: number;
  quota: number;
  permalinkBase: string;
  /** The media URL a container will pull, or an error message for invalid parameters. */
  validate(params: Record<string, string>): { url: string | null } | { error: string };
  statusBody(c: Container): Record<string, unknown>;
  fetchError: string;
  /** What the media edge reports of a post published from a container of this `media_type`. */
  listedType(containerType: string | undefined, params: Record<string, string>): Record<string, string>;
}

/**
 * Meta's container state machine, shared by the Threads and Instagram fakes: containers pull their
 * media by URL, report IN_PROGRESS for `processingPolls` status reads (and, with realistic
 * processing, until their time has passed: carousel items process from their own creation),
 * then FINISHED (or ERROR
 * when the media could not be fetched); only a FINISHED container of the same account publishes;
 * the rolling 24-hour publishing quota is enforced and reported. Their OAuth: the consent dialog,
 * the code exchange for a short-lived (1 hour) token, its exchange for a long-lived one (about 60
 * days, with the app secret), which refreshes only when at least 24 hours old, and `GET /me`.
 */
export abstract class FakeContainerPlatform extends FakeGraph {
  readonly containers = new Map<string, Container>();
  quota: number;

  protected constructor(
    platform: string,
    private readonly dialect: ContainerDialect,
    options: FakeOptions = {},
  ) {
    super(platform, options);
    this.quota = dialect.quota;
    const v = `/${dialect.version}`;
    this.authorizePage("/oauth/authorize", dialect.authorize);
    const r = this.router;
    r.post("/oauth/access_token", (req, res) => void this.codeExchange(req, res));
    r.get("/access_token", (req, res) => this.longLived(req, res));
    r.get("/refresh_access_token", (req, res) => this.refreshToken(req, res));
    r.get(`${v}/me`, (req, res) => this.me(req, res));
    r.post(`${v}/:user/${dialect.createEdge}`, (req, res) => this.create(req, res));
    r.get(`${v}/:user/${dialect.createEdge}`, (req, res) => this.list(req, res));
    r.post(`${v}/:user/${dialect.publishEdge}`, (req, res) => this.publishContainer(req, res));
    r.get(`${v}/:user/${dialect.quotaEdge}`, (req, res) => this.quotaUsage(req, res));
    r.get(`${v}/:id`, (req, res) => this.read(req, res));
  }

  private owner(req: Request, res: Response): string | null {
    const account = this.authorize(req, res);
    if (!account) return null;
    if (req.params.user !== account && req.params.user !== "me") {
      this.invalid(res, "Unsupported post request. (#10) Application does not have permission for this action", 10);
      return null;
    }
    return account;
  }

  private refreshToken(req: Request, res: Response) {
    const grant = this.grantOf(req, res);
    if (!grant) return;
    if (req.query.grant_type !== this.dialect.refreshGrantType) return this.invalid(res, "Invalid grant_type");
    if (Date.now() - grant.issuedAt < 24 * 3600_000) {
      return this.invalid(res, "The access token cannot be refreshed until it is at least 24 hours old.", 190);
    }
    this.tokens.delete(grant.accessToken);
    const fresh = this.grant(grant.accountId, { refresh: false, ttlSeconds: 60 * 24 * 3600, derivedFrom: grant });
    res.json({ access_token: fresh.accessToken, token_type: "bearer", expires_in: 60 * 24 * 3600 });
  }

  private async codeExchange(req: Request, res: Response) {
    const p = await this.formParams(req);
    if (!this.clientAuthenticated(req, p)) return this.invalidClient(res, p);
    if (p.grant_type !== "authorization_code") return this.invalid(res, "Invalid grant_type");
    const code = this.redeemCode({ code: p.code, redirectUri: p.redirect_uri, codeVerifier: p.code_verifier });
    if (typeof code === "string") return this.codeRejected(res, code);
    const grant = this.grantFromCode(code, { refresh: false, ttlSeconds: SHORT_LIVED_SECONDS });
    res.json(this.dialect.codeBody(grant, code));
  }

  /** The app secret (no app id: the token names the app) trades a short-lived token for a long-lived one. */
  private longLived(req: Request, res: Response) {
    const q = stringParams(req.query);
    if (q.grant_type !== this.dialect.exchangeGrantType) return this.invalid(res, "Invalid grant_type");
    if (q.client_secret !== this.clientSecret) return this.invalidClient(res, {});
    const grant = this.grantOf(req, res);
    if (!grant) return;
    const long = this.grant(grant.accountId, { refresh: false, ttlSeconds: LONG_LIVED_SECONDS, derivedFrom: grant });
    res.json({ access_token: long.accessToken, token_type: "bearer", expires_in: LONG_LIVED_SECONDS });
  }

  private me(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    res.json(pickFields(this.dialect.profileBody(this.profileFor(account)), stringParams(req.query).fields, []));
  }

  private create(req: Request, res: Response) {
    const account = this.owner(req, res);
    if (!account) return;
    const params = this.params(req);
    delete params.access_token;
    const checked = this.dialect.validate(params);
    if ("error" in checked) return this.invalid(res, checked.error);
    const children = params.children ? params.children.split(",") : [];
    if (params.media_type === "CAROUSEL") {
      if (children.length < 2 || children.length > this.dialect.maxChildren) {
        return this.invalid(res, `Carousels need 2 to ${this.dialect.maxChildren} items.`, 100, 2207028);
      }
      for (const id of children) {
        const child = this.containers.get(id);
        if (!child || child.accountId !== account || child.params.is_carousel_item !== "true") {
          return this.invalid(res, `Invalid carousel item ${id}`, 100);
        }
      }
    }
    const id = this.id();
    const url = checked.url;
    this.containers.set(id, {
      id,
      accountId: account,
      params,
      mediaUrl: url,
      fetched: url ? fetchMedia(url) : Promise.resolve({ ok: true, bytes: 0, contentType: "text/plain" }),
      children,
      polls: 0,
      state: "IN_PROGRESS",
      error: null,
      createdAt: Date.now(),
      startedAt: this.now(),
    });
    res.json({ id });
  }

  /** Advances a container the way Meta's processing does, on each status read. */
  private async settle(c: Container): Promise<void> {
    if (c.state !== "IN_PROGRESS") return;
    if (Date.now() - c.createdAt > 24 * 3600_000) {
      c.state = "EXPIRED";
      return;
    }
    c.polls += 1;
    if (!this.processed(c.polls, c.startedAt)) return;
    for (const childId of c.children) {
      const child = this.containers.get(childId);
      if (child) await this.settle(child);
      if (child?.state === "IN_PROGRESS") return;
      if (child?.state === "ERROR") {
        c.state = "ERROR";
        c.error = child.error;
        return;
      }
    }
    const fetched = await c.fetched;
    c.state = fetched.ok ? "FINISHED" : "ERROR";
    c.error = fetched.ok ? null : this.dialect.fetchError;
  }

  private async read(req: Request, res: Response) {
    const account = this.authorize(req, res);
    if (!account) return;
    const id = String(req.params.id);
    const container = this.containers.get(id);
    if (container && container.accountId === account) {
      await this.settle(container);
      return void res.json({ id, ...this.dialect.statusBody(container) });
    }
    const post = this.posts.find((p) => p.id === id && p.accountId === account);
    if (post) return void res.json({ id, permalink: `${this.dialect.permalinkBase}/${post.id}` });
    this.notFound(req, res);
  }

  private recent(account: string) {
    return this.postsOf(account).filter((p) => p.createdAt > this.now() - 24 * 3600_000).length;
  }

  private publishContainer(req: Request, res: Response) {
    const account = this.owner(req, res);
    if (!account) return;
    const id = this.params(req).creation_id ?? "";
    const c = this.containers.get(id);
    if (!c || c.accountId !== account) return this.invalid(res, "The media could not be found.", 24, 2207006);
    if (c.state === "PUBLISHED") return this.invalid(res, "The media has already been published.", 100, 2207050);
    if (c.state !== "FINISHED") return this.invalid(res, "Media ID is not available", 9007, 2207027);
    if (this.recent(account) >= this.quota) {
      return this.invalid(res, "The user has reached their daily publishing limit.", 9, 2207042);
    }
    c.state = "PUBLISHED";
    const media = c.children.length
      ? c.children.map((ch) => this.containers.get(ch)?.mediaUrl ?? "")
      : c.mediaUrl
        ? [c.mediaUrl]
        : [];
    const post = this.publish({
      accountId: account,
      kind: c.params.media_type ?? "IMAGE",
      text: c.params[this.dialect.textField] ?? "",
      media,
      details: { container: c.id, ...c.params },
    });
    res.json({ id: post.id });
  }

  /** The account's posts, newest first: `timestamp` to the second with Meta's `+0000`, the type, carousel children. */
  private list(req: Request, res: Response) {
    const account = this.owner(req, res);
    if (!account) return;
    const data = this.listed(account)
      .reverse()
      .slice(0, Number(req.query.limit ?? 25))
      .map((p) => {
        const params = p.details as Record<string, string>;
        const carousel = params.media_type === "CAROUSEL";
        return {
          id: p.id,
          [this.dialect.textField]: p.text,
          timestamp: new Date(p.createdAt).toISOString().replace(/\.\d{3}Z$/, "+0000"),
          permalink: `${this.dialect.permalinkBase}/${p.id}`,
          ...this.dialect.listedType(params.media_type, params),
          ...(carousel ? { children: { data: p.media.map((_, i) => ({ id: `${p.id}${i + 1}` })) } } : {}),
        };
      });
    res.json({ data, paging: {} });
  }

  private quotaUsage(req: Request, res: Response) {
    const account = this.owner(req, res);
    if (!account) return;
    res.json({
      data: [{ quota_usage: this.recent(account), config: { quota_total: this.quota, quota_duration: 86400 } }],
    });
  }
}
