/**
 * What a cold start pays for. Cloud Functions loads index.js in every instance of every function,
 * so anything index.ts imports is paid by all fifteen; a function's own code is loaded here instead.
 * The instance that serves the function (FUNCTION_TARGET names it: Cloud Functions and the Functions
 * emulator set it) loads it while starting, before it takes a request, so no request pays for it.
 * The deploy's discovery (FUNCTIONS_CONTROL_API) loads every function's, because params are declared
 * where they are used and the manifest must list them all. Anything else (tests, scripts) loads it
 * when first called.
 */

/** Builds a value on first use and keeps it. */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/**
 * `load` (a `require` of some functions' own wiring) on first use, or at once in an instance started
 * for one of `functions` and in the deploy's discovery. Only modules are loaded early: what they
 * build still reads params when first called, at request time.
 */
export function loadedFor<T>(functions: readonly string[], load: () => T): () => T {
  const get = lazy(load);
  const target = process.env.FUNCTION_TARGET;
  const discovery = process.env.FUNCTIONS_CONTROL_API === "true";
  if (discovery || (target !== undefined && functions.includes(target))) get();
  return get;
}
