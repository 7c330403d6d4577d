/** JSON Merge Patch (RFC 7396), pure: PATCH /v1/templates/definitions/{slug} applies it to a stored definition. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7396. Keys are defined, never assigned, so a `__proto__` key stays a key (and the schema refuses it). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  const define = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  if (isPlainObject(target)) for (const [k, v] of Object.entries(target)) define(k, v);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else define(key, mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}
