import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import {
  authorizeProblem,
  errorPage,
  pkceMatches,
  redirectLocation,
  requestedScopes,
  stringParams,
  type AuthorizationCode,
  type AuthorizeDialect,
  type CodeRejection,
  type Consent,
  type FakeProfile,
  type FakeProfileInput,
  type Revocation,
} from "./oauth";
import { seededRandom } from "./seeded-random";
import type { ReceivedMedia } from "./upload-digest";

/**
 * Ways a fake fails, as the real platforms do:
 * - `respond`: answer with this status, body and headers instead of handling the request;
 * - `drop`: close the connection before handling it (nothing happened at the platform);
 * - `lose_answer`: handle it, then close the connection instead of answering (the platform acted;
 *   the caller never learns it: the crash between the platform's success and our write);
 * - `delay`: answer only after `delayMs` (to trip the caller's timeout);
 * - `hold_answer`: handle it at once, then hold its answer until `release` resolves (the platform
 *   acted, say rotated a token, while the caller is still waiting to hear it).
 */
export interface Fault {
  method?: string;
  /** Matched against the request path (a string matches as a substring). */
  path?: RegExp | string;
  kind: "respond" | "drop" | "lose_answer" | "delay" | "hold_answer";
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
  /**
   * Runs when the fault matches, before it is applied (and is waited for): a test can act at the
   * exact moment a request arrives, e.g. kill the process that sent it.
   */
  onMatch?: () => void | Promise<void>;
  /** `hold_answer`: called once the answer is ready; it is sent when the returned promise resolves. */
  release?: () => Promise<void>;
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
  /** What the user granted, when the token came from a consent (grants made directly have none). */
  scopes?: string[];
}

export interface GrantOptions {
  refresh?: boolean;
  ttlSeconds?: number | null;
  token?: string;
  ageSeconds?: number;
  scopes?: string[];
  /** A token obtained with another (a long-lived exchange, a Page token): revoked together with it. */
  derivedFrom?: TokenGrant;
}

/** What a token request presents with its authorization code (its client is already authenticated). */
export interface CodePresentation {
  code: string | undefined;
  redirectUri: string | undefined;
  codeVerifier?: string | undefined;
}

/**
 * How long a fake takes to process what it was sent (a container, a video, media):
 * - `short` (the default): done at its second status read (`processingPolls`), however soon that
 *   comes, so the local stack's demo posts finish in seconds and tests steer processing by reads;
 * - `realistic`: besides that, not before `realisticProcessingMs` of the fake's clock have passed
 *   since it started, about what the real platform takes, so a client polling at the platform's
 *   advised interval sees what it would in production.
 * Chosen per fake (`new FakeX({ processing: "realistic" })`) or for every fake of a process by
 * the FAKE_PROCESSING environment variable (`FAKE_PROCESSING=realistic npm start`).
 */
export type ProcessingSpeed = "short" | "realistic";

export interface FakeOptions {
  processing?: ProcessingSpeed;
}

function processingFromEnv(): ProcessingSpeed {
  const value = process.env.FAKE_PROCESSING;
  if (value === undefined || value === "" || value === "short") return "short";
  if (value === "realistic") return "realistic";
  throw new Error(`FAKE_PROCESSING must be "short" or "realistic", not ${JSON.stringify(value)}`);
}

interface RefreshEntry {
  accountId: string;
  family: string;
  used: boolean;
}

/**
 * Shared machinery of the fake platform servers: bearer tokens with expiry, single-use rotating
 * refresh tokens (reusing one revokes its family, as X and TikTok do), the authorization-code side
 * of OAuth (a consent page that approves as the signed-in profile, single-use codes bound to client,
 * redirect URI and PKCE challenge), the post ledger, injected faults and chaos, and `/_fake` control
 * routes for the local stack. Each platform's fake adds its documented routes on `router`.
 *
 * A token family is everything one consent yielded: the code's tokens, their refreshes and the
 * tokens exchanged for them. Revoking a family (a revoke endpoint, a reused code or refresh token,
 * the user removing the app) ends all of them.
 */
export abstract class FakePlatform {
  readonly app = express();
  readonly router = express.Router();
  readonly posts: FakePost[] = [];
  /** Every media file uploaded in full (its size and hash, never its bytes), in order. */
  readonly receivedMedia: ReceivedMedia[] = [];
  /** Every request the platform received, in order: method, path and a few headers. */
  readonly requests: { method: string; path: string; at: number }[] = [];
  readonly tokens = new Map<string, TokenGrant>();
  /** Revoked consents, in order, so tests can see a revoke reached the platform. */
  readonly revocations: Revocation[] = [];
  /** Every token presented to a revoke endpoint, in order, whether or not it was still alive. */
  readonly revokeRequests: string[] = [];
  /** The profile of each account a code was issued to, for the profile endpoints. */
  readonly profiles = new Map<string, FakeProfile>();
  /** The app the token endpoints accept: what the local stack uses when no real id is configured. */
  clientId: string;
  clientSecret: string;
  /** What the user does on the consent screen. */
  consent: Consent = "approve";
  /** The scopes the user leaves ticked (null: all requested); tokens then carry only these. */
  grantedScopes: string[] | null = null;
  /** Authorization codes live this long (most platforms: 10 minutes). */
  codeTtlSeconds = 600;
  private readonly refreshTokens = new Map<string, RefreshEntry>();
  private readonly revokedFamilies = new Set<string>();
  private readonly families = new Map<string, string>();
  private readonly familyScopes = new Map<string, string[]>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly consented = new Set<string>();
  private signedInProfile: FakeProfile | null = null;
  private faults: (Fault & { left: number })[] = [];
  private chaos: (Chaos & { random: () => number }) | null = null;
  /** Access tokens issued by the token endpoint live this long. */
  accessTokenTtlSeconds = 7200;
  /** Status reads that report processing before a container, upload or video is ready. */
  processingPolls = 1;
  /** See ProcessingSpeed. */
  readonly processing: ProcessingSpeed;
  /** With `realistic` processing: how long this platform takes, in its clock. */
  realisticProcessingMs = 30_000;
  /**
   * The platform's clock, in epoch ms: it dates posts. Tests that move Postcast's clock move this
   * one with it, as real time moves both.
   */
  clock: () => number = () => Date.now();
  /** How long a new post takes to show in the platform's listings (their eventual consistency). */
  listingLagMs = 0;
  private server: Server | null = null;
  private nextId = 1;

  protected constructor(
    readonly platform: string,
    options: FakeOptions = {},
  ) {
    this.processing = options.processing ?? processingFromEnv();
    this.clientId = `postcast-local-${platform}`;
    this.clientSecret = `postcast-local-${platform}-secret`;
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
  grant(accountId: string, options: GrantOptions = {}) {
    const ttl = options.ttlSeconds === undefined ? this.accessTokenTtlSeconds : options.ttlSeconds;
    const parent = options.derivedFrom && this.families.get(options.derivedFrom.accessToken);
    const family = parent ?? randomBytes(6).toString("hex");
    if (options.scopes) this.familyScopes.set(family, options.scopes);
    const grant = this.issue(accountId, family, options.refresh ?? true, ttl, options.token);
    grant.issuedAt -= (options.ageSeconds ?? 0) * 1000;
    return grant;
  }

  private issue(accountId: string, family: string, refresh: boolean, ttl: number | null, token?: string): TokenGrant {
    const now = Date.now();
    const scopes = this.familyScopes.get(family);
    const grant: TokenGrant = {
      accountId,
      accessToken: token ?? `${this.platform}_at_${randomBytes(12).toString("hex")}`,
      refreshToken: refresh ? `${this.platform}_rt_${randomBytes(12).toString("hex")}` : null,
      expiresAt: ttl === null ? null : now + ttl * 1000,
      issuedAt: now,
      ...(scopes ? { scopes } : {}),
    };
    this.tokens.set(grant.accessToken, grant);
    this.families.set(grant.accessToken, family);
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
      this.revokeFamily(entry.family);
      return null;
    }
    if (rotate) entry.used = true;
    const grant = this.issue(entry.accountId, entry.family, rotate, this.accessTokenTtlSeconds);
    if (!rotate) return { ...grant, refreshToken: null };
    return grant;
  }

  /** Revokes every consent of an account (the user removed the app or changed their password). */
  revoke(accountId: string, reason: Revocation["reason"] = "app_removed"): void {
    const families = new Set<string>();
    for (const [token, grant] of this.tokens)
      if (grant.accountId === accountId) families.add(this.families.get(token)!);
    for (const entry of this.refreshTokens.values()) if (entry.accountId === accountId) families.add(entry.family);
    for (const family of families) this.revokeFamily(family);
    this.consented.delete(accountId);
    this.revocations.push({ accountId, at: Date.now(), reason });
  }

  /**
   * Revokes the consent an access or refresh token came from, as the revoke endpoints do; returns
   * the grant's account, or null for a token the platform does not know.
   */
  revokeToken(token: string): string | null {
    this.revokeRequests.push(token);
    const grant = this.tokens.get(token);
    const family = grant ? this.families.get(token) : this.refreshTokens.get(token)?.family;
    const accountId = grant?.accountId ?? this.refreshTokens.get(token)?.accountId;
    if (!family || !accountId || this.revokedFamilies.has(family)) return null;
    this.revokeFamily(family);
    // The next authorization is a first consent again (Google then sends a new refresh token).
    this.consented.delete(accountId);
    this.revocations.push({ accountId, at: Date.now(), reason: "token_revoked" });
    return accountId;
  }

  private revokeFamily(family: string): void {
    this.revokedFamilies.add(family);
    for (const [token, f] of this.families) if (f === family) this.tokens.delete(token);
  }

  /** Whether a token may use a scope: tokens granted directly (not through consent) may use any. */
  protected hasScope(grant: TokenGrant, ...anyOf: string[]): boolean {
    return !grant.scopes || anyOf.some((s) => grant.scopes!.includes(s));
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
    return this.liveGrant(token, res);
  }

  /** The grant behind a token however it came (Meta's `fb_exchange_token`), or null after answering 401. */
  protected liveGrant(token: string | null | undefined, res: Response): TokenGrant | null {
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

  /** Who the authorize page approves as: the last `signIn`, else `<platform>_connected`. */
  get signedIn(): FakeProfile {
    return this.signedInProfile ?? this.profileDefaults(`${this.platform}_connected`);
  }

  /** Signs a user in on the platform's website; fields left out default from the account id. */
  signIn(profile: FakeProfileInput): FakeProfile {
    this.signedInProfile = { ...this.profileDefaults(profile.accountId), ...profile };
    return this.signedInProfile;
  }

  /** An account's profile: as it consented, or derived from its id for tokens granted directly. */
  profileFor(accountId: string): FakeProfile {
    return this.profiles.get(accountId) ?? this.profileDefaults(accountId);
  }

  /** A plausible profile for an account id; Facebook, Instagram and YouTube add what they have. */
  protected profileDefaults(accountId: string): FakeProfile {
    return {
      accountId,
      username: accountId,
      displayName: accountId
        .split("_")
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(" "),
      // The .test TLD never resolves: nothing fetches it by accident.
      avatarUrl: `https://avatars.fake.test/${this.platform}/${accountId}.jpg`,
    };
  }

  /** Serves the platform's authorize page at `path`. */
  protected authorizePage(path: string, dialect: AuthorizeDialect): void {
    this.router.get(path, (req, res) => this.authorizeRequest(req, res, dialect));
  }

  /** A bad request gets an error page (never a redirect); then the user approves or declines. */
  private authorizeRequest(req: Request, res: Response, dialect: AuthorizeDialect): void {
    const q = stringParams(req.query);
    const problem = authorizeProblem(q, dialect, this.clientId);
    if (problem) return void res.status(400).type("html").send(errorPage(this.platform, problem));
    const state = q.state!;
    if (this.consent === "deny") {
      return void res
        .status(302)
        .set("location", redirectLocation(q.redirect_uri!, { ...dialect.denial, state }))
        .end();
    }
    const code = this.issueCode(q, dialect);
    res
      .status(302)
      .set("location", redirectLocation(q.redirect_uri!, { code: code.value, state }, dialect.locationSuffix))
      .end();
  }

  private issueCode(q: Record<string, string>, dialect: AuthorizeDialect): AuthorizationCode {
    const profile = this.signedIn;
    this.profiles.set(profile.accountId, profile);
    const requested = requestedScopes(q.scope, dialect);
    const granted = this.grantedScopes;
    const code: AuthorizationCode = {
      value: randomBytes(24).toString("base64url"),
      clientId: q[dialect.clientIdParam ?? "client_id"]!,
      redirectUri: q.redirect_uri!,
      challenge: q.code_challenge ? { value: q.code_challenge, method: q.code_challenge_method ?? "plain" } : null,
      profile,
      scopes: granted ? requested.filter((s) => granted.includes(s)) : requested,
      request: q,
      firstConsent: !this.consented.has(profile.accountId),
      expiresAt: Date.now() + this.codeTtlSeconds * 1000,
      used: false,
      family: null,
    };
    this.consented.add(profile.accountId);
    this.codes.set(code.value, code);
    return code;
  }

  /**
   * Spends an authorization code. Any presentation uses it up; presenting a used code again also
   * revokes the tokens it bought (RFC 6749 §4.1.2), as a stolen code would be.
   */
  protected redeemCode(p: CodePresentation): AuthorizationCode | CodeRejection {
    const code = this.codes.get(p.code ?? "");
    if (!code) return "unknown";
    if (code.used) {
      if (code.family) {
        this.revokeFamily(code.family);
        this.revocations.push({ accountId: code.profile.accountId, at: Date.now(), reason: "code_reused" });
      }
      return "used";
    }
    code.used = true;
    if (code.expiresAt <= Date.now()) return "expired";
    if (code.clientId !== this.clientId) return "client";
    if (code.redirectUri !== p.redirectUri) return "redirect_uri";
    if (code.challenge && !pkceMatches(code.challenge, p.codeVerifier)) return "verifier";
    return code;
  }

  /** The tokens a redeemed code buys, carrying its granted scopes. */
  protected grantFromCode(code: AuthorizationCode, options: Omit<GrantOptions, "scopes"> = {}): TokenGrant {
    const grant = this.grant(code.profile.accountId, { ...options, scopes: code.scopes });
    code.family = this.families.get(grant.accessToken)!;
    return grant;
  }

  /**
   * Whether a token request authenticates as this fake's app: with HTTP Basic (X requires it,
   * Google allows it) or with the id and secret in the form, under the platform's names.
   */
  protected clientAuthenticated(
    req: Request,
    params: Record<string, string | undefined>,
    options: { basic?: "required" | "allowed"; idParam?: string } = {},
  ): boolean {
    const idParam = options.idParam ?? "client_id";
    const basic = options.basic ? this.basicCredentials(req) : null;
    if (options.basic === "required" && !basic) return false;
    if (basic && params[idParam] !== undefined && params[idParam] !== basic.id) return false;
    const id = basic?.id ?? params[idParam];
    const secret = basic?.secret ?? params.client_secret;
    return id === this.clientId && secret === this.clientSecret;
  }

  private basicCredentials(req: Request): { id: string; secret: string } | null {
    const header = req.get("authorization") ?? "";
    if (!header.startsWith("Basic ")) return null;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }

  now(): number {
    return this.clock();
  }

  /**
   * Whether something the platform started processing at `startedAt` (its clock) is done, at a
   * status read that makes `polls` reads of it: after `processingPolls` reads, and with realistic
   * processing not before its time.
   */
  protected processed(polls: number, startedAt: number): boolean {
    return polls > this.processingPolls && this.processingLeftMs(startedAt) === 0;
  }

  /** How much longer realistic processing of something started at `startedAt` takes (0 when short). */
  protected processingLeftMs(startedAt: number): number {
    if (this.processing !== "realistic") return 0;
    return Math.max(0, startedAt + this.realisticProcessingMs - this.now());
  }

  /** Records a publication in the ledger (dated now, unless a test seeds an older post). */
  publish(post: Omit<FakePost, "createdAt" | "id"> & { id?: string; createdAt?: number }): FakePost {
    const record: FakePost = { ...post, id: post.id ?? this.id(), createdAt: post.createdAt ?? this.now() };
    this.posts.push(record);
    return record;
  }

  postsOf(accountId: string): FakePost[] {
    return this.posts.filter((p) => p.accountId === accountId);
  }

  /** An account's posts as the platform's listings show them: oldest first, the newest maybe not yet. */
  listed(accountId: string): FakePost[] {
    const visible = this.now() - this.listingLagMs;
    return this.postsOf(accountId)
      .filter((p) => p.createdAt <= visible)
      .sort((a, b) => a.createdAt - b.createdAt);
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
      if (!fault.onMatch) return this.fail(fault, req, res, next);
      void Promise.resolve()
        .then(fault.onMatch)
        .then(() => this.fail(fault, req, res, next));
      return;
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
      case "hold_answer": {
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        const release = fault.release ?? (() => Promise.resolve());
        res.end = ((...args: unknown[]) => {
          void release().then(() => end(...args));
          return res;
        }) as Response["end"];
        next();
        return;
      }
    }
  }

  /** `/_fake`: inspect and steer a running fake (used by the local stack and by hand). */
  private controlRoutes() {
    const control = express.Router();
    control.get("/posts", (_req, res) => {
      res.json({ posts: this.posts });
    });
    control.get("/received", (_req, res) => {
      res.json({ media: this.receivedMedia });
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
    control.post("/sign-in", (req, res) => {
      const body = req.body as Partial<FakeProfileInput>;
      if (!body.accountId) return void res.status(400).json({ error: "accountId is required" });
      res.json(this.signIn(body as FakeProfileInput));
    });
    control.post("/consent", (req, res) => {
      const body = req.body as { consent?: Consent; grantedScopes?: string[] | null };
      if (body.consent !== undefined && body.consent !== "approve" && body.consent !== "deny")
        return void res.status(400).json({ error: "consent must be approve or deny" });
      if (body.consent) this.consent = body.consent;
      if (body.grantedScopes !== undefined) this.grantedScopes = body.grantedScopes;
      res.json({ consent: this.consent, grantedScopes: this.grantedScopes });
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
