/**
 * What an API key may do (docs/api.md, Scopes). A key grants every scope unless it was created with
 * a list; a key document without `scopes` (Soku's shape, or any key made before scopes) grants all.
 */
export const SCOPES = [
  "posts:read",
  "posts:write",
  "posts:publish",
  "media:write",
  "accounts:read",
  "webhooks:write",
  "templates:read",
  "templates:write",
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * The scopes a key document grants. A name Postcast does not know (written by a later version)
 * grants nothing here, so a key never gains a permission by a typo or a downgrade.
 */
export function grantedScopes(stored: readonly string[] | undefined): readonly Scope[] {
  return stored === undefined ? SCOPES : SCOPES.filter((s) => stored.includes(s));
}
