/**
 * What a cold start pays for. Cloud Functions loads index.js in every instance of every function,
 * so anything index.ts imports is paid by all fifteen; a function's own code is loaded here on its
 * first use instead. The instance that serves the function (FUNCTION_TARGET names it) loads it
 * while starting, before it takes a request, so no request pays for it; any other (the deploy's
 * discovery, the emulator, tests) loads it when first called.
 */

/** Builds a value on first use and keeps it. */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/**
 * `load` (a `require` of the functions' own wiring) on first use, or at once in an instance started
 * for one of `functions`. Only modules are loaded early: what they build still reads params when
 * first called, at request time.
 */
export function loadedFor<T>(functions: readonly string[], load: () => T): () => T {
  const get = lazy(load);
  const target = process.env.FUNCTION_TARGET;
  if (target !== undefined && functions.includes(target)) get();
  return get;
}
