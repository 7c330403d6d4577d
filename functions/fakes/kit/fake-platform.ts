import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { seededRandom } from "./seeded-random";

/**
 * Ways a fake fails, as the real platforms do:
 * - `respond`: answer with this status, body and headers instead of handling the request;
 * - `drop`: close the connection before handling it (nothing happened at the platform);
 * - `lose_answer`: handle it, then close the connection instead of answering (the platform acted;
 *   the caller never learns it: the crash between the platform's success and our write);
 * - `delay`: answer only after `delayMs` (to trip the caller's timeout).
 */
export interface Fault {
  method?: string;
  /** Matched against the request path (a string matches as a substring). */
  path?: RegExp | string;
  kind: "respond" | "drop" | "lose_answer" | "delay";
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

/** Random faults on the requests that change state (POST/PUT), for the fault-injection suite. */
export interface Chaos {
  seed: number;
  /** Probability that a state-changing request fails in one of the `kinds`. */
  rate: number;
  kinds: ("transient" | "drop" | "lose_answer" | "rate_limited")[];
  /** Paths that never get chaos (token endpoints, say). */
  spare?: RegExp;
}

/** What the platform published: the ledger tests count to prove exactly-once delivery. */
export interface FakePost {
  id: string;
  accountId: string;
  kind: string;
  text: string;
  media: string[];
  createdAt: number;
  details: Record<string, unknown>;
}

export interface TokenGrant {
  accountId: string;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number | null;
  issuedAt: number;
}

interface RefreshEntry {
  accountId: string;
  family: string;
  used: boolean;
}

/**
 * Shared machinery of the fake platform servers: bearer tokens with expiry, single-use rotating
 * refresh tokens (reusing one revokes its family, as X and TikTok do), the post ledger, injected
 * faults and chaos, and `/_fake` control routes for the local stack. Each platform's fake adds its
 * documented routes on `router`.
 */
export abstract class FakePlatform {
  readonly app = express();
  readonly router = express.Router();
  readonly posts: FakePost[] = [];
  /** Every request the platform received, in order: method, path and a few headers. */
  readonly requests: { method: string; path: string; at: number }[] = [];
  readonly tokens = new Map<string, TokenGrant>();
  private readonly refreshTokens = new Map<string, RefreshEntry>();
  private readonly revokedFamilies = new Set<string>();
  private faults: (Fault & { left: number })[] = [];
  private chaos: (Chaos & { random: () => number }) | null = null;
  /** Access tokens issued by the token endpoint live this long. */
  accessTokenTtlSeconds = 7200;
  /** Status reads that report processing before a container, upload or video is ready. */
  processingPolls = 1;
  private server: Server | null = null;
  private nextId = 1;

  protected constructor(readonly platform: string) {
    this.app.disable("x-powered-by");
    this.app.use(express.json({ limit: "50mb" }));
    this.app.use(express.urlencoded({ extended: true, limit: "50mb" }));
    this.app.use("/_fake", this.controlRoutes());
    this.app.use((req, res, next) => this.applyFaults(req, res, next));
    this.app.use(this.router);
    this.app.use((req: Request, res: Response) => this.notFound(req, res));
  }

  /** The platform's own answer for an unknown path. */
  protected abstract notFound(req: Request, res: Response): void;

  /** The platform's own answer for a missing, expired or revoked token. */
  protected abstract unauthorized(res: Response, reason: string): void;

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    await new Promise<void>((resolve) => {
      this.server = this.app.listen(port, host, () => resolve());
    });
    const address = this.server!.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  id(prefix = ""): string {
    return `${prefix}${Date.now()}${String(this.nextId++).padStart(6, "0")}`;
  }

  /** Issues a token pair for an account, as the token endpoint would after consent. */
  grant(
    accountId: string,
    options: { refresh?: boolean; ttlSeconds?: number | null; token?: string; ageSeconds?: number } = {},
  ) {
    const ttl = options.ttlSeconds === undefined ? this.accessTokenTtlSeconds : options.ttlSeconds;
    const family = randomBytes(6).toString("hex");
    const grant = this.issue(accountId, family, options.refresh ?? true, ttl, options.token);
    grant.issuedAt -= (options.ageSeconds ?? 0) * 1000;
    return grant;
  }

  private issue(accountId: string, family: string, refresh: boolean, ttl: number | null, token?: string): TokenGrant {
    const now = Date.now();
    const grant: TokenGrant = {
      accountId,
      accessToken: token ?? `${this.platform}_at_${randomBytes(12).toString("hex")}`,
      refreshToken: refresh ? `${this.platform}_rt_${randomBytes(12).toString("hex")}` : null,
      expiresAt: ttl === null ? null : now + ttl * 1000,
      issuedAt: now,
    };
    this.tokens.set(grant.accessToken, grant);
    if (grant.refreshToken) this.refreshTokens.set(grant.refreshToken, { accountId, family, used: false });
    return grant;
  }

  /**
   * Spends a refresh token. With `rotate`, it is single-use: a second use fails and revokes every
   * token of its family. Without, the same refresh token stays valid and is not resent.
   */
  redeemRefresh(refreshToken: string, rotate: boolean): TokenGrant | null {
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry || this.revokedFamilies.has(entry.family)) return null;
    if (entry.used) {
      this.revokedFamilies.add(entry.family);
      return null;
    }
    if (rotate) entry.used = true;
    const grant = this.issue(entry.accountId, entry.family, rotate, this.accessTokenTtlSeconds);
    if (!rotate) return { ...grant, refreshToken: null };
    return grant;
  }

  /** Revokes an account's tokens (the user removed the app or changed their password). */
  revoke(accountId: string): void {
    for (const [token, grant] of this.tokens) if (grant.accountId === accountId) this.tokens.delete(token);
    for (const entry of this.refreshTokens.values()) if (entry.accountId === accountId) entry.used = true;
  }

  /** The account behind a request's bearer token, or null after answering 401 as the platform does. */
  protected authorize(req: Request, res: Response, header = "authorization", scheme = "Bearer"): string | null {
    const grant = this.grantOf(req, res, header, scheme);
    return grant ? grant.accountId : null;
  }

  /** The grant behind a request's token, or null after answering 401 as the platform does. */
  protected grantOf(req: Request, res: Response, header = "authorization", scheme = "Bearer"): TokenGrant | null {
    const value = req.get(header) ?? "";
    const prefix = `${scheme} `;
    const token = value.startsWith(prefix) ? value.slice(prefix.length) : this.tokenFromParams(req);
    if (!token) {
      this.unauthorized(res, "missing token");
      return null;
    }
    const grant = this.tokens.get(token);
    if (!grant) {
      this.unauthorized(res, "invalid or revoked token");
      return null;
    }
    if (grant.expiresAt !== null && grant.expiresAt <= Date.now()) {
      this.unauthorized(res, "expired token");
      return null;
    }
    return grant;
  }

  /** Platforms that also take the token as a parameter (Meta's access_token) override this. */
  protected tokenFromParams(_req: Request): string | null {
    return null;
  }

  /** Records a publication in the ledger. */
  publish(post: Omit<FakePost, "createdAt" | "id"> & { id?: string }): FakePost {
    const record: FakePost = { ...post, id: post.id ?? this.id(), createdAt: Date.now() };
    this.posts.push(record);
    return record;
  }

  postsOf(accountId: string): FakePost[] {
    return this.posts.filter((p) => p.accountId === accountId);
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  setChaos(chaos: Chaos | null): void {
    this.chaos = chaos ? { ...chaos, random: seededRandom(chaos.seed) } : null;
  }

  clearFaults(): void {
    this.faults = [];
    this.chaos = null;
  }

  private applyFaults(req: Request, res: Response, next: NextFunction): void {
    this.requests.push({ method: req.method, path: req.path, at: Date.now() });
    const fault = this.faults.find(
      (f) =>
        f.left > 0 &&
        (!f.method || f.method === req.method) &&
        (!f.path || (typeof f.path === "string" ? req.path.includes(f.path) : f.path.test(req.path))),
    );
    if (fault) {
      fault.left -= 1;
      this.faults = this.faults.filter((f) => f.left > 0);
      return this.fail(fault, req, res, next);
    }
    const chaos = this.chaos;
    if (chaos && req.method !== "GET" && !chaos.spare?.test(req.path) && chaos.random() < chaos.rate) {
      const kind = chaos.kinds[Math.floor(chaos.random() * chaos.kinds.length)] ?? "transient";
      if (kind === "transient") return this.fail({ kind: "respond", ...this.transientFailure() }, req, res, next);
      if (kind === "rate_limited") return this.fail({ kind: "respond", ...this.rateLimitFailure() }, req, res, next);
      return this.fail({ kind }, req, res, next);
    }
    next();
  }

  /** The platform's 5xx answer. */
  protected abstract transientFailure(): Pick<Fault, "status" | "body" | "headers">;

  /** The platform's throttling answer. */
  protected abstract rateLimitFailure(): Pick<Fault, "status" | "body" | "headers">;

  private fail(fault: Fault, req: Request, res: Response, next: NextFunction): void {
    switch (fault.kind) {
      case "respond":
        res.status(fault.status ?? 500).set(fault.headers ?? {});
        if (fault.body === undefined) res.end();
        else if (typeof fault.body === "string") res.send(fault.body);
        else res.json(fault.body);
        return;
      case "drop":
        req.socket.destroy();
        return;
      case "lose_answer": {
        const kill = () => {
          req.socket.destroy();
          return res;
        };
        res.write = kill as unknown as Response["write"];
        res.end = kill;
        next();
        return;
      }
      case "delay":
        setTimeout(next, fault.delayMs ?? 1000);
        return;
    }
  }

  /** `/_fake`: inspect and steer a running fake (used by the local stack and by hand). */
  private controlRoutes() {
    const control = express.Router();
    control.get("/posts", (_req, res) => {
      res.json({ posts: this.posts });
    });
    control.post("/grants", (req, res) => {
      const body = req.body as { accountId?: string; accessToken?: string; ttlSeconds?: number | null };
      if (!body.accountId) return void res.status(400).json({ error: "accountId is required" });
      const grant = this.grant(body.accountId, {
        ...(body.accessToken ? { token: body.accessToken } : {}),
        ...(body.ttlSeconds !== undefined ? { ttlSeconds: body.ttlSeconds } : {}),
      });
      res.json(grant);
    });
    control.post("/faults", (req, res) => {
      const body = req.body as Fault;
      this.inject(body);
      res.status(204).end();
    });
    control.delete("/faults", (_req, res) => {
      this.clearFaults();
      res.status(204).end();
    });
    return control;
  }
}
