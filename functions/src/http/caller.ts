/**
 * Who calls a use case, as the middleware authenticated them: types only, so use cases know the
 * caller without knowing Express. Every use case is `(deps, caller, input) → result`.
 */
import type { KeyMode } from "../domain/api-key";
import type { Scope } from "../domain/scopes";

/** A caller authenticated by an API key (content routes). */
export interface ApiKeyAuth {
  via: "apiKey";
  userId: string;
  keyHash: string;
  mode: KeyMode;
  /** What the key may do (http/route-scopes.ts checks each route's). */
  scopes: readonly Scope[];
}

/** A caller authenticated by a Firebase ID token (the dashboard: keys, connections). */
export interface IdTokenAuth {
  via: "idToken";
  userId: string;
}

/** Either: for use cases both kinds of route share (the caller's accounts). */
export type Caller = ApiKeyAuth | IdTokenAuth;
