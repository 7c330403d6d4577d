import type { paths } from "./schema";

/**
 * Types of the API's inputs and outputs, looked up by path and method in the generated `paths`
 * (not by operationId or component name, which a regenerated openapi.json may rename).
 */
type Method = "get" | "post" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;

export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
export type ResponseBody<P extends keyof paths, M extends Method, S extends number> =
  Operation<P, M> extends { responses: { [K in S]: { content: { "application/json": infer B } } } } ? B : never;

export type Post = ResponseBody<"/v1/posts/{id}", "get", 200>;
export type PostStatus = Post["status"];
export type CreatePostInput = RequestBody<"/v1/posts", "post">;
export type CreatePostResult = ResponseBody<"/v1/posts", "post", 202>;
export type DryRunResult = ResponseBody<"/v1/posts", "post", 200>;
export type ListPostsQuery = QueryOf<"/v1/posts", "get">;
export type PostPage = ResponseBody<"/v1/posts", "get", 200>;
export type EditPostInput = RequestBody<"/v1/posts/{id}", "patch">;
export type PublishDraftInput = RequestBody<"/v1/posts/{id}/publish", "post">;

export type Account = ResponseBody<"/v1/accounts", "get", 200>["data"][number];

export type Media = ResponseBody<"/v1/media/{id}", "get", 200>;
export type StoredMedia = ResponseBody<"/v1/media", "post", 201>;
export type Upload = ResponseBody<"/v1/media/uploads/{id}", "get", 200>;
export type CreateUploadInput = RequestBody<"/v1/media/uploads", "post">;

export type WebhookEndpoint = ResponseBody<"/v1/webhooks/{id}", "get", 200>;
export type WebhookEndpointWithSecret = ResponseBody<"/v1/webhooks", "post", 201>;
export type CreateWebhookInput = RequestBody<"/v1/webhooks", "post">;
export type UpdateWebhookInput = RequestBody<"/v1/webhooks/{id}", "patch">;
export type WebhookTestResult = ResponseBody<"/v1/webhooks/{id}/test", "post", 202>;
export type DeliveriesQuery = QueryOf<"/v1/webhooks/{id}/deliveries", "get">;
export type WebhookDelivery = ResponseBody<"/v1/webhooks/{id}/deliveries", "get", 200>["data"][number];

export type RenderTemplateInput = RequestBody<"/v1/templates", "post">;
export type RenderedTemplate = ResponseBody<"/v1/templates", "post", 201>;
export type TemplateDefinitionBody = RequestBody<"/v1/templates/definitions", "post">;
/** The model's fields that have a default (domain/template-model.ts): the API fills them in when left out. */
type Defaulted =
  | "defaultRatio"
  | "background"
  | "maxLength"
  | "opacity"
  | "radius"
  | "font"
  | "family"
  | "weight"
  | "align"
  | "verticalAlign"
  | "lineHeight"
  | "fit"
  | "angle";
/** `K` optional wherever it appears in `T` (through arrays, records and unions). */
type Loosen<T, K extends PropertyKey> = T extends readonly (infer U)[]
  ? Loosen<U, K>[]
  : T extends object
    ? { [P in keyof T as P extends K ? never : P]: Loosen<T[P], K> } & {
        [P in keyof T as P extends K ? P : never]?: Loosen<T[P], K>;
      }
    : T;
/** A template to create, defaulted fields optional (the generated type, from one schema for both directions, requires them). */
export type TemplateDefinitionInput = Loosen<TemplateDefinitionBody, Defaulted>;
export type TemplateDefinitionView = ResponseBody<"/v1/templates/definitions/{slug}", "get", 200>;
export type TemplateDefinitionPatch = RequestBody<"/v1/templates/definitions/{slug}", "patch">;
export type DeletedTemplate = ResponseBody<"/v1/templates/definitions/{slug}", "delete", 200>;

export type PostcastEvent = ResponseBody<"/v1/events/{id}", "get", 200>;
export type EventType = PostcastEvent["type"];
export type EventsQuery = QueryOf<"/v1/events", "get">;
export type EventPage = ResponseBody<"/v1/events", "get", 200>;
export type RedeliverResult = ResponseBody<"/v1/events/{id}/redeliver", "post", 202>;

export type Deleted = ResponseBody<"/v1/media/{id}", "delete", 200>;
