import type { Credentials } from "../../domain/credentials";
import { PublishError } from "../../domain/publish-error";
import type { TargetContent } from "../../domain/target-plan";
import type { HttpClient, HttpResponse } from "../http-client";
import type { PlatformAdapter, PublishContext, Published, Reconciliation, StepResult } from "../platform-adapter";
import { classifyThrown, field, sameText, sendWithToken, stringField } from "../platform-calls";
import { refreshGrant } from "../token-refresh";
import { graphFailure, isTokenRejection } from "./graph-errors";

export type Params = Record<string, string | undefined>;

/** What differs between Threads and Instagram in Meta's container → status → publish flow. */
export interface ContainerApi {
  platform: "threads" | "instagram";
  name: string;
  /** The API origin with its version, e.g. https://graph.threads.net/v1.0. */
  base: string;
  /** The origin for the token refresh. */
  origin: string;
  edges: { create: string; publish: string };
  statusFields: string;
  statusOf(body: unknown): string | undefined;
  errorOf(body: unknown): string;
  textField: "text" | "caption";
  refreshGrantType: string;
  pollSeconds: number;
  /** The single container, or the carousel items and the carousel container. */
  containers(content: TargetContent): { children: Params[]; main: Params };
  /** Checks made right before publishing (Instagram's publishing quota). */
  beforePublish?(ctx: PublishContext, call: GraphCall): Promise<void>;
  /** Whether a container error is worth a new container (a fetch problem) rather than final. */
  retryableError(message: string): boolean;
}

export type GraphCall = (method: "GET" | "POST", path: string, params?: Params) => Promise<HttpResponse>;

/** Containers expire after 24 hours; a later attempt builds new ones. */
const CLEARED = { container: null, children: [] };

/**
 * Meta's container flow: create item containers (carousels), the post container, wait until it is
 * FINISHED in separate check tasks, then publish it. The container is the idempotency handle: a
 * lost publish answer is settled by reading its status (PUBLISHED means it went out).
 */
export class ContainerFlow implements PlatformAdapter {
  readonly platform: "threads" | "instagram";

  constructor(private readonly api: ContainerApi) {
    this.platform = api.platform;
  }

  classifyError(error: unknown): PublishError {
    return classifyThrown(error);
  }

  async step(ctx: PublishContext): Promise<StepResult> {
    const call = this.caller(ctx);
    const user = await this.userId(ctx);
    let container = stringField(ctx.progress, "container");
    if (!container) {
      const { children, main } = this.api.containers(ctx.content);
      const ids = [...((ctx.progress.children as string[] | undefined) ?? [])];
      while (ids.length < children.length) {
        ids.push(await this.create(ctx, call, user, children[ids.length]!));
        await ctx.save({ children: ids });
      }
      container = await this.create(ctx, call, user, ids.length > 0 ? { ...main, children: ids.join(",") } : main);
      await ctx.save({ container });
    }
    const status = await this.status(ctx, call, container);
    switch (status.state) {
      case "PUBLISHED":
        return this.found(ctx, call, user, container);
      case "FINISHED":
        break;
      case "IN_PROGRESS":
        return {
          kind: "wait",
          progress: { ...ctx.progress, container },
          afterSeconds: this.api.pollSeconds,
          reason: `${this.api.name} is processing container ${container}`,
        };
      default: {
        await ctx.save(CLEARED);
        const why = `${this.api.name} container ${container} is ${status.state}: ${status.error}`;
        if (status.state === "EXPIRED" || this.api.retryableError(status.error))
          throw new PublishError("transient", why, { startsOver: true });
        throw new PublishError("rejected", why);
      }
    }
    await this.api.beforePublish?.(ctx, call);
    await ctx.commit({ container, publishing: true });
    const res = await call("POST", `/${user}/${this.api.edges.publish}`, { creation_id: container });
    const id = stringField(res.body, "id");
    if (res.status !== 200 || !id) throw graphFailure(this.api.name, res, ctx.clock());
    return { kind: "published", platformPostId: id, permalink: await this.permalink(call, id) };
  }

  async reconcile(ctx: PublishContext): Promise<Reconciliation> {
    const container = stringField(ctx.progress, "container");
    if (!container) return { kind: "not_published" };
    const call = this.caller(ctx);
    const status = await this.status(ctx, call, container);
    if (status.state === "PUBLISHED") return this.found(ctx, call, await this.userId(ctx), container);
    if (status.state === "IN_PROGRESS") {
      return { kind: "wait", progress: ctx.progress, afterSeconds: this.api.pollSeconds, reason: "still processing" };
    }
    return { kind: "not_published" };
  }

  async refresh(credentials: Credentials, http: HttpClient): Promise<Credentials | null> {
    const issued = credentials.issuedAt ? Date.parse(credentials.issuedAt) : 0;
    // Meta refreshes only long-lived tokens at least 24 hours old; a younger one cannot be renewed.
    if (Date.now() - issued < 24 * 3600_000) return null;
    return refreshGrant(
      http,
      {
        method: "GET",
        url: `${this.api.origin}/refresh_access_token`,
        query: { grant_type: this.api.refreshGrantType, access_token: credentials.accessToken },
      },
      credentials,
      new Date(),
      this.api.name,
    );
  }

  private caller(ctx: PublishContext): GraphCall {
    return (method, path, params = {}) =>
      sendWithToken(
        ctx,
        {
          method,
          url: `${this.api.base}${path}`,
          ...(method === "GET" ? { query: params } : { form: params }),
        },
        isTokenRejection,
      );
  }

  private async userId(ctx: PublishContext): Promise<string> {
    const credentials = await ctx.auth.credentials();
    return encodeURIComponent(credentials.extra.userId ?? ctx.run.accountId);
  }

  private async create(ctx: PublishContext, call: GraphCall, user: string, params: Params): Promise<string> {
    const res = await call("POST", `/${user}/${this.api.edges.create}`, params);
    const id = stringField(res.body, "id");
    if (res.status !== 200 || !id) throw graphFailure(this.api.name, res, ctx.clock());
    return id;
  }

  private async status(ctx: PublishContext, call: GraphCall, container: string) {
    const res = await call("GET", `/${container}`, { fields: this.api.statusFields });
    if (res.status !== 200) throw graphFailure(this.api.name, res, ctx.clock());
    return { state: this.api.statusOf(res.body) ?? "UNKNOWN", error: this.api.errorOf(res.body) };
  }

  /** The container went out: find its post among the account's recent ones for the id and link. */
  private async found(ctx: PublishContext, call: GraphCall, user: string, container: string): Promise<Published> {
    const res = await call("GET", `/${user}/${this.api.edges.create}`, {
      fields: `id,${this.api.textField},timestamp,permalink`,
      limit: "25",
    });
    const posts = (field(res.body, "data") as Record<string, string>[] | undefined) ?? [];
    const match = res.status === 200 ? posts.find((p) => sameText(p[this.api.textField], ctx.content.text)) : undefined;
    if (match?.id) return { kind: "published", platformPostId: match.id, permalink: match.permalink ?? null };
    return { kind: "published", platformPostId: container, permalink: null };
  }

  /** The link is a courtesy: the post is out whether or not it can be read back. */
  private async permalink(call: GraphCall, id: string): Promise<string | null> {
    try {
      const res = await call("GET", `/${id}`, { fields: "permalink" });
      return res.status === 200 ? (stringField(res.body, "permalink") ?? null) : null;
    } catch {
      return null;
    }
  }
}
