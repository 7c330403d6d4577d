import type { Express } from "express";

interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route and method an express app serves, read from its router (express 5's `router`
 * keeps each layer's path as written): mounted routers' paths are prefixed with their mount path.
 */
export function appRoutes(app: Express): { method: string; path: string }[] {
  const found = new Map<string, { method: string; path: string }>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const route of [layer.route.path].flat()) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            const path = `${prefix}${route === "/" ? "" : route}` || "/";
            if (on && method !== "_all") found.set(`${method} ${path}`, { method, path });
          }
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  return [...found.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
