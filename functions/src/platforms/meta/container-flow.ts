import type { TargetContent } from "../../domain/post-model";
import type { Credentials } from "../../domain/credentials";
import { PublishError } from "../../domain/publish-error";
import type { HttpClient, HttpResponse } from "../http-client";
import type { PlatformAdapter, PublishContext, Published, Reconciliation, StepResult } from "../platform-adapter";
import { classifyThrown, field, sendWithToken, stringField } from "../platform-calls";
import { blankText, createdSince, earliestCreation, sameText } from "../reconciliation";
import { refreshGrant } from "../token-refresh";
import { graphFailure, isGraphRefusal, isTokenRejection } from "./graph-errors";

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
  /** The `media_type` the published post reports for this content, and its number of children. */
  postShape(content: TargetContent): { mediaType: string; children: number };
  /** Checks made right before publishing (Instagram's publishing quota). */
  beforePublish?(ctx: PublishContext, call: GraphCall): Promise<void>;
  /** Whether a container error is worth a new container (a fetch problem) rather than final. */
  retryableError(message: string): boolean;
}

export type GraphCall = (method: "GET" | "POST", path: string, params?: Params) => Promise<HttpResponse>;

/** A post as the account's media edge lists it. */
interface GraphPost {
  id?: string;
  text?: string;
  caption?: string;
  timestamp?: string;
  permalink?: string;
  media_type?: string;
  children?: { data?: { id?: string }[] };
}

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
    if (res.status !== 200 || !id) {
      const failure = graphFailure(this.api.name, res, ctx.clock());
      throw isGraphRefusal(res) ? failure.asRefusal() : failure;
    }
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

  /**
   * The container went out: its post is the one among the account's recent ones made since the
   * attempt with the same text and media type (and number of carousel items). A post that cannot
   * be singled out that way (blank text, no mark to date it, several alike) keeps the container's
   * id: the status already showed it was published, and an older post's id would be a lie.
   */
  private async found(ctx: PublishContext, call: GraphCall, user: string, container: string): Promise<Published> {
    const fallback: Published = { kind: "published", platformPostId: container, permalink: null };
    const earliest = earliestCreation(ctx);
    if (!earliest || blankText(ctx.content.text)) return fallback;
    const res = await call("GET", `/${user}/${this.api.edges.create}`, {
      fields: `id,${this.api.textField},timestamp,permalink,media_type,children`,
      limit: "25",
    });
    if (res.status !== 200) return fallback;
    const shape = this.api.postShape(ctx.content);
    const posts = (field(res.body, "data") as GraphPost[] | undefined) ?? [];
    const matches = posts.filter(
      (p) =>
        p.id &&
        createdSince(p.timestamp, earliest) &&
        sameText(p[this.api.textField], ctx.content.text) &&
        p.media_type === shape.mediaType &&
        (shape.children === 0 || p.children?.data?.length === shape.children),
    );
    const match = matches.length === 1 ? matches[0]! : null;
    return match ? { kind: "published", platformPostId: match.id!, permalink: match.permalink ?? null } : fallback;
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
