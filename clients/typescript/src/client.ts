import createClient, { type Client } from "openapi-fetch";
import { errorFromResponse, networkError } from "./errors";
import { retryingFetch, type RetryOptions } from "./retry";
import type { paths } from "./schema";
import type {
  Account,
  CreatePostInput,
  CreatePostResult,
  CreateUploadInput,
  CreateWebhookInput,
  DeliveriesQuery,
  Deleted,
  DryRunResult,
  EditPostInput,
  EventPage,
  EventsQuery,
  ListPostsQuery,
  Media,
  Post,
  PostcastEvent,
  PostPage,
  PublishDraftInput,
  RedeliverResult,
  DeletedTemplate,
  RenderedTemplate,
  RenderTemplateInput,
  StoredMedia,
  TemplateDefinitionBody,
  TemplateDefinitionInput,
  TemplateDefinitionPatch,
  TemplateDefinitionView,
  Upload,
  UpdateWebhookInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookTestResult,
} from "./types";
import { uploadBytes, type UploadData, type UploadOptions } from "./upload";

export interface PostcastOptions extends RetryOptions {
  /** An API key, `sk_live_…` or `sk_test_…`. Sent as `Authorization: Bearer`; never logged or put in errors. */
  apiKey: string;
  /** The API's base URL, up to and without `/v1` (e.g. the `api` function's URL). */
  baseUrl: string;
  /** A fetch to send requests with (default: the global one). Each attempt calls it with a Request. */
  fetch?: (request: Request) => Promise<Response>;
  /** Extra headers on every API request (not on upload URLs). */
  headers?: Record<string, string>;
}

export interface IdempotencyOptions {
  /**
   * The request's Idempotency-Key. Default: a new UUID per call, sent again unchanged on each retry
   * of that call, so a retry never creates a second post or media.
   */
  idempotencyKey?: string;
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/** The answer's body, or its typed error. */
async function answer<T>(pending: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  let result: Answer<T>;
  try {
    result = await pending;
  } catch (error) {
    if (isAbort(error)) throw error;
    throw networkError(error);
  }
  if (!result.response.ok) throw errorFromResponse(result.response, result.error);
  return { data: result.data as T, response: result.response };
}

const body = async <T>(pending: Promise<Answer<T>>): Promise<T> => (await answer(pending)).data;

const newKey = () => globalThis.crypto.randomUUID();

/**
 * The Postcast API. Every method answers the API's body as the OpenAPI document types it, or throws
 * a PostcastError (see errors.ts).
 *
 * ```ts
 * const postcast = new Postcast({ apiKey: process.env.POSTCAST_API_KEY!, baseUrl: "https://…/api" });
 * const { postSubmissionId } = await postcast.posts.create({ post: { content: { text: "Hi", platform: ["x"] } } });
 * ```
 */
export class Postcast {
  /** The typed openapi-fetch client underneath, for a route this class has no method for. */
  readonly api: Client<paths>;
  readonly posts: Posts;
  readonly media: MediaApi;
  readonly accounts: Accounts;
  readonly webhooks: Webhooks;
  readonly events: Events;
  readonly templates: Templates;

  constructor(options: PostcastOptions) {
    if (!options.apiKey) throw new TypeError("Postcast: apiKey is required.");
    if (!options.baseUrl) throw new TypeError("Postcast: baseUrl is required.");
    const base = options.fetch ?? ((request: Request) => globalThis.fetch(request));
    const send = retryingFetch(base, options);
    this.api = createClient<paths>({
      baseUrl: options.baseUrl,
      fetch: send,
      headers: { ...options.headers, Authorization: `Bearer ${options.apiKey}` },
    });
    this.posts = new Posts(this.api);
    // Upload URLs are their own credential (and Cloud Storage's in production): no API key there.
    this.media = new MediaApi(this.api, send);
    this.accounts = new Accounts(this.api);
    this.webhooks = new Webhooks(this.api);
    this.templates = new Templates(this.api);
    this.events = new Events(this.api);
  }
}

export class Posts {
  constructor(private readonly api: Client<paths>) {}

  /** Publishes or schedules a post; with `draft: true` stores it as a draft. Retried with one Idempotency-Key. */
  async create(input: CreatePostInput, options: IdempotencyOptions = {}): Promise<CreatePostResult> {
    const key = options.idempotencyKey ?? newKey();
    const result = await body(
      this.api.POST("/v1/posts", { body: input, params: { header: { "Idempotency-Key": key } } }),
    );
    return result as CreatePostResult;
  }

  /** What would be sent to each target, adjusted or refused; stores nothing (`?dryRun=true`). */
  async dryRun(input: CreatePostInput): Promise<DryRunResult> {
    const result = await body(
      this.api.POST("/v1/posts", {
        body: input,
        params: { query: { dryRun: "true" }, header: { "Idempotency-Key": newKey() } },
      }),
    );
    return result as DryRunResult;
  }

  /** One page of posts, newest first; `nextCursor` asks for the next. */
  list(query: ListPostsQuery = {}): Promise<PostPage> {
    return body(this.api.GET("/v1/posts", { params: { query } }));
  }

  /** Every post matching `query`, page after page. */
  async *iterate(query: Omit<ListPostsQuery, "cursor"> = {}): AsyncGenerator<Post, void, undefined> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list(cursor === undefined ? query : { ...query, cursor });
      yield* page.data;
      if (!page.hasMore || page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  get(id: string): Promise<Post> {
    return body(this.api.GET("/v1/posts/{id}", { params: { path: { id } } }));
  }

  /** The post and its ETag, for an edit that must not overwrite a change made since (`update`'s `ifMatch`). */
  async getWithETag(id: string): Promise<{ post: Post; etag: string | null }> {
    const { data, response } = await answer(this.api.GET("/v1/posts/{id}", { params: { path: { id } } }));
    return { post: data, etag: response.headers.get("etag") };
  }

  /** Edits a scheduled post or a draft; with `ifMatch`, refused (ConflictError) if it changed since that ETag. */
  update(id: string, patch: EditPostInput, options: { ifMatch?: string } = {}): Promise<Post> {
    const header = options.ifMatch === undefined ? {} : { "If-Match": options.ifMatch };
    return body(this.api.PATCH("/v1/posts/{id}", { params: { path: { id }, header }, body: patch }));
  }

  /** Cancels a scheduled post (or deletes a draft). */
  cancel(id: string): Promise<Post> {
    return body(this.api.DELETE("/v1/posts/{id}", { params: { path: { id } } }));
  }

  /** Publishes a draft now, or schedules it at `scheduledTime`. */
  publish(id: string, input: PublishDraftInput = {}): Promise<Post> {
    return body(this.api.POST("/v1/posts/{id}/publish", { params: { path: { id } }, body: input }));
  }

  /** Publishes a scheduled post now instead of at its time. */
  publishNow(id: string): Promise<Post> {
    return body(this.api.POST("/v1/posts/{id}/publish-now", { params: { path: { id } } }));
  }
}

export class Uploads {
  constructor(private readonly api: Client<paths>) {}

  /** Opens a resumable upload session: send the bytes to its `uploadUrl`, then `complete` it. */
  create(input: CreateUploadInput): Promise<Upload> {
    return body(this.api.POST("/v1/media/uploads", { body: input }));
  }

  get(id: string): Promise<Upload> {
    return body(this.api.GET("/v1/media/uploads/{id}", { params: { path: { id } } }));
  }

  /** The uploaded bytes become media (repeatable: a completed upload answers its media again). */
  complete(id: string): Promise<Media> {
    return body(this.api.POST("/v1/media/uploads/{id}/complete", { params: { path: { id } } }));
  }
}

export class MediaApi {
  readonly uploads: Uploads;

  constructor(
    private readonly api: Client<paths>,
    private readonly send: (request: Request) => Promise<Response>,
  ) {
    this.uploads = new Uploads(api);
  }

  /** Rehosts an image or video from a URL. Retried with one Idempotency-Key. */
  create(input: { url: string }, options: IdempotencyOptions = {}): Promise<StoredMedia> {
    const key = options.idempotencyKey ?? newKey();
    return body(this.api.POST("/v1/media", { body: input, params: { header: { "Idempotency-Key": key } } }));
  }

  get(id: string): Promise<Media> {
    return body(this.api.GET("/v1/media/{id}", { params: { path: { id } } }));
  }

  delete(id: string): Promise<Deleted> {
    return body(this.api.DELETE("/v1/media/{id}", { params: { path: { id } } }));
  }

  /**
   * Uploads bytes (a Blob or File, a Buffer or Uint8Array, an ArrayBuffer) as media: opens a
   * session, PUTs the bytes to its uploadUrl in chunks, completes it.
   */
  async upload(data: UploadData, options: UploadOptions = {}): Promise<Media> {
    return uploadBytes({ uploads: this.uploads, send: this.send }, data, options);
  }
}

export class Templates {
  readonly definitions: TemplateDefinitions;

  constructor(private readonly api: Client<paths>) {
    this.definitions = new TemplateDefinitions(api);
  }

  /** Renders a template to a PNG stored as media (usable by `url` or `mediaIds`). Retried with one Idempotency-Key. */
  render(input: RenderTemplateInput, options: IdempotencyOptions = {}): Promise<RenderedTemplate> {
    const key = options.idempotencyKey ?? newKey();
    return body(this.api.POST("/v1/templates", { body: input, params: { header: { "Idempotency-Key": key } } }));
  }
}

/** The built-in templates and your own (`/v1/templates/definitions`). */
export class TemplateDefinitions {
  constructor(private readonly api: Client<paths>) {}

  create(definition: TemplateDefinitionInput): Promise<TemplateDefinitionView> {
    // The API fills in what is left out; the generated type has every defaulted field required.
    const sent = definition as TemplateDefinitionBody;
    return body(this.api.POST("/v1/templates/definitions", { body: sent }));
  }

  /** The built-ins (`builtIn: true`) first, then yours. */
  list(): Promise<{ data: TemplateDefinitionView[] }> {
    return body(this.api.GET("/v1/templates/definitions"));
  }

  get(slug: string): Promise<TemplateDefinitionView> {
    return body(this.api.GET("/v1/templates/definitions/{slug}", { params: { path: { slug } } }));
  }

  /** A JSON merge patch of the definition (`null` removes a field); the result is checked whole. */
  update(slug: string, patch: TemplateDefinitionPatch): Promise<TemplateDefinitionView> {
    return body(this.api.PATCH("/v1/templates/definitions/{slug}", { params: { path: { slug } }, body: patch }));
  }

  delete(slug: string): Promise<DeletedTemplate> {
    return body(this.api.DELETE("/v1/templates/definitions/{slug}", { params: { path: { slug } } }));
  }
}

export class Accounts {
  constructor(private readonly api: Client<paths>) {}

  /** The connected accounts. */
  list(): Promise<{ data: Account[] }> {
    return body(this.api.GET("/v1/accounts"));
  }
}

export class Webhooks {
  constructor(private readonly api: Client<paths>) {}

  /** Registers an endpoint; the answer carries its signing secret, shown this once. */
  create(input: CreateWebhookInput): Promise<WebhookEndpointWithSecret> {
    return body(this.api.POST("/v1/webhooks", { body: input }));
  }

  list(): Promise<{ data: WebhookEndpoint[] }> {
    return body(this.api.GET("/v1/webhooks"));
  }

  get(id: string): Promise<WebhookEndpoint> {
    return body(this.api.GET("/v1/webhooks/{id}", { params: { path: { id } } }));
  }

  /** Edits an endpoint (`enabled: true` revives a disabled one). */
  update(id: string, patch: UpdateWebhookInput): Promise<WebhookEndpoint> {
    return body(this.api.PATCH("/v1/webhooks/{id}", { params: { path: { id } }, body: patch }));
  }

  delete(id: string): Promise<Deleted> {
    return body(this.api.DELETE("/v1/webhooks/{id}", { params: { path: { id } } }));
  }

  /** A new signing secret (the old one keeps signing for 24 h). */
  rotate(id: string): Promise<WebhookEndpointWithSecret> {
    return body(this.api.POST("/v1/webhooks/{id}/rotate", { params: { path: { id } } }));
  }

  /** Sends a webhook.test event to the endpoint. */
  test(id: string): Promise<WebhookTestResult> {
    return body(this.api.POST("/v1/webhooks/{id}/test", { params: { path: { id } } }));
  }

  /** The endpoint's latest delivery attempts. */
  deliveries(id: string, query: DeliveriesQuery = {}): Promise<{ data: WebhookDelivery[] }> {
    return body(this.api.GET("/v1/webhooks/{id}/deliveries", { params: { path: { id }, query } }));
  }
}

export class Events {
  constructor(private readonly api: Client<paths>) {}

  /** One page of the feed, oldest first, after `after`; pass its `next` back for the following page. */
  list(query: EventsQuery = {}): Promise<EventPage> {
    return body(this.api.GET("/v1/events", { params: { query } }));
  }

  /**
   * The feed's events after `query.after` (from the oldest kept), page after page, until it is
   * caught up. Iterate again from the last event's cursor (`list`'s `next`) to poll for more.
   */
  async *iterate(query: EventsQuery = {}): AsyncGenerator<PostcastEvent, void, undefined> {
    let after = query.after;
    for (;;) {
      const page = await this.list(after === undefined ? query : { ...query, after });
      yield* page.data;
      if (page.data.length === 0 || page.next === null || page.next === after) return;
      after = page.next;
    }
  }

  get(id: string): Promise<PostcastEvent> {
    return body(this.api.GET("/v1/events/{id}", { params: { path: { id } } }));
  }

  /** Delivers the event again to every enabled endpoint that takes it. */
  redeliver(id: string): Promise<RedeliverResult> {
    return body(this.api.POST("/v1/events/{id}/redeliver", { params: { path: { id } } }));
  }
}
