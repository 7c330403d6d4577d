import { Router, type RequestHandler } from "express";
import type { RouteParameters } from "express-serve-static-core";
import { AppError } from "../domain/errors";
import { wantsDraft } from "../domain/post-request";
import type { Scope } from "../domain/scopes";
import type { ApiKeyAuth } from "./caller";
import { apiKeyAuth } from "./context";

/**
 * The scope an API-key route needs; `publishUnlessDraft`: also posts:publish unless the body says
 * `"draft": true` (a dry run included: it answers what publishing would do).
 */
export interface RouteScope {
  scope: Scope;
  publishUnlessDraft?: true;
}

/**
 * Every API-key route and the scope it needs, keyed `METHOD /path/{param}` as OpenAPI writes paths:
 * the one place scopes are decided (docs/api.md's table says the same). Routers declare their routes
 * through `scopedRouter`, which refuses a route missing here when its router is built (at start, or on
 * the first request under its prefix: http/app.ts), so none is ever served unscoped.
 * Key management, connections and OAuth take a Firebase ID token, never a key: they have no scope.
 */
export const ROUTE_SCOPES = {
  "POST /v1/posts": { scope: "posts:write", publishUnlessDraft: true },
  "GET /v1/posts": { scope: "posts:read" },
  "GET /v1/posts/{id}": { scope: "posts:read" },
  "PATCH /v1/posts/{id}": { scope: "posts:write" },
  "DELETE /v1/posts/{id}": { scope: "posts:write" },
  "POST /v1/posts/{id}/publish": { scope: "posts:publish" },
  "POST /v1/posts/{id}/publish-now": { scope: "posts:publish" },
  "GET /v1/accounts": { scope: "accounts:read" },
  // Reading a media record or an upload is part of making it (polling until it is ready).
  "POST /v1/media": { scope: "media:write" },
  "GET /v1/media/{id}": { scope: "media:write" },
  "DELETE /v1/media/{id}": { scope: "media:write" },
  "POST /v1/media/uploads": { scope: "media:write" },
  "GET /v1/media/uploads/{id}": { scope: "media:write" },
  "POST /v1/media/uploads/{id}/complete": { scope: "media:write" },
  // Rendering a template makes media (Soku's alias lives under /v1/media); definitions are templates'.
  "POST /v1/media/render-og": { scope: "media:write" },
  "POST /v1/templates": { scope: "media:write" },
  "POST /v1/templates/definitions": { scope: "templates:write" },
  "GET /v1/templates/definitions": { scope: "templates:read" },
  "GET /v1/templates/definitions/{slug}": { scope: "templates:read" },
  "PATCH /v1/templates/definitions/{slug}": { scope: "templates:write" },
  "DELETE /v1/templates/definitions/{slug}": { scope: "templates:write" },
  // Endpoints carry their signing secrets: reading them is managing them.
  "POST /v1/webhooks": { scope: "webhooks:write" },
  "GET /v1/webhooks": { scope: "webhooks:write" },
  "GET /v1/webhooks/{id}": { scope: "webhooks:write" },
  "PATCH /v1/webhooks/{id}": { scope: "webhooks:write" },
  "DELETE /v1/webhooks/{id}": { scope: "webhooks:write" },
  "POST /v1/webhooks/{id}/rotate": { scope: "webhooks:write" },
  "POST /v1/webhooks/{id}/test": { scope: "webhooks:write" },
  "GET /v1/webhooks/{id}/deliveries": { scope: "webhooks:write" },
  // The feed tells what happened to posts and accounts; redelivering sends to the endpoints.
  "GET /v1/events": { scope: "posts:read" },
  "GET /v1/events/{id}": { scope: "posts:read" },
  "POST /v1/events/{id}/redeliver": { scope: "webhooks:write" },
} as const satisfies Record<string, RouteScope>;

export type ScopedRoute = keyof typeof ROUTE_SCOPES;

/** A 403 `insufficient_scope` unless the caller's key grants `scope`. */
export function requireScope(caller: ApiKeyAuth, scope: Scope): void {
  if (caller.scopes.includes(scope)) return;
  throw new AppError("insufficient_scope", `This API key lacks the ${scope} scope this request needs.`, {
    requiredScope: scope,
    grantedScopes: [...caller.scopes],
  });
}

/** The table's entry for an Express route (`/:id` written `/{id}`); throws when it has none. */
export function routeScope(method: string, base: string, path: string): RouteScope {
  const full = `${base}${path === "/" ? "" : path}`.replace(/:(\w+)/g, "{$1}");
  const key = `${method.toUpperCase()} ${full}`;
  const entry = (ROUTE_SCOPES as Record<string, RouteScope>)[key];
  if (!entry) throw new Error(`${key} has no entry in ROUTE_SCOPES (http/route-scopes.ts)`);
  return entry;
}

type Verb = "get" | "post" | "patch" | "delete";
/** Declares a route with its path-typed params, as Express's own methods do. */
type Declare = <P extends string>(path: P, handler: RequestHandler<RouteParameters<P>>) => void;

/**
 * A Router for API-key routes mounted at `base`: each route declared through it first checks the
 * scope ROUTE_SCOPES gives it, and a route without an entry fails when the router is built.
 */
export function scopedRouter(base: string): { router: Router } & Record<Verb, Declare> {
  const router = Router();
  const declare =
    (verb: Verb): Declare =>
    (path, handler) => {
      const { scope, publishUnlessDraft } = routeScope(verb, base, path);
      const check: RequestHandler = (req, res, next) => {
        const caller = apiKeyAuth(res);
        requireScope(caller, scope);
        if (publishUnlessDraft && !wantsDraft(req.body)) requireScope(caller, "posts:publish");
        next();
      };
      router[verb](path, check, handler);
    };
  return { router, get: declare("get"), post: declare("post"), patch: declare("patch"), delete: declare("delete") };
}
