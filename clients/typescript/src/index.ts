export {
  Postcast,
  Posts,
  MediaApi,
  Uploads,
  Accounts,
  Webhooks,
  Events,
  Templates,
  TemplateDefinitions,
} from "./client";
export type { PostcastOptions, IdempotencyOptions } from "./client";
export {
  PostcastError,
  InvalidRequestError,
  AuthenticationError,
  InsufficientScopeError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  ServerError,
  NetworkError,
} from "./errors";
export type { ErrorCode } from "./errors";
export type { RetryOptions, RetryInfo } from "./retry";
export type { UploadData, UploadOptions } from "./upload";
export type * from "./types";
export type { paths, components } from "./schema";
