import { validationError } from "../../domain/errors";
import { normalizePlatform, type Platform } from "../../domain/platforms";

/** The `{platform}` of a path (Soku's aliases allowed); an unknown one is a 400 naming it. */
export function platformParam(value: unknown): Platform {
  const platform = typeof value === "string" ? normalizePlatform(value) : null;
  if (!platform) {
    throw validationError([
      { field: "platform", reason: "unknown_platform", message: `Unknown platform '${String(value)}'.` },
    ]);
  }
  return platform;
}
