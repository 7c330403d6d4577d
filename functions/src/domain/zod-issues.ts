import { z } from "zod";
import type { FieldIssue } from "./errors";

/**
 * Zod's issues in the contract's `{field, reason, message}` form, for every body and query the API
 * validates: unknown fields by name, missing fields as `required`, union failures by their most
 * specific cause.
 */
/** Dotted field path with array indices in brackets: post.content.platform[1].accountId */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? String(key) : `${acc}.${String(key)}`;
  }, "");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Converts zod issues into the contract's `{field, reason, message}` list. */
export function zodIssues(error: z.ZodError, body: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const field = fieldPath([...issue.path, key]);
        out.push({ field, reason: "unknown_field", message: `Unknown field '${field}'.` });
      }
      continue;
    }
    if (issue.code === "invalid_union") {
      // A target that is neither a platform string nor a {platform, accountId} object: report the
      // most specific inner problem instead of zod's generic union message.
      const inner = issue.errors.flat().filter((i) => i.code !== "invalid_type");
      const nested = inner.length > 0 ? inner : issue.errors.flat();
      const deeper = zodIssues(new z.ZodError(nested.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))), body);
      out.push(
        ...(deeper.length > 0
          ? deeper
          : [{ field: fieldPath(issue.path), reason: "invalid_type", message: "has the wrong type" }]),
      );
      continue;
    }
    const field = fieldPath(issue.path);
    const missing = issue.code === "invalid_type" && valueAt(body, issue.path) === undefined;
    const reason = missing ? "required" : reasonOf(issue);
    const message = missing ? `The '${field}' field is required.` : `'${field}' ${issue.message}`;
    out.push({ field, reason, message });
  }
  // A union reports each branch; keep one entry per field and reason.
  return out.filter((a, i) => out.findIndex((b) => b.field === a.field && b.reason === a.reason) === i);
}

function reasonOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "custom") {
    const params = (issue as { params?: { reason?: unknown } }).params;
    return typeof params?.reason === "string" ? params.reason : "invalid_value";
  }
  switch (issue.code) {
    case "invalid_type":
      return "invalid_type";
    case "too_small":
      return "too_small";
    case "too_big":
      return "too_big";
    case "invalid_value":
      return "invalid_value";
    case "invalid_format":
      return "invalid_format";
    default:
      return "invalid_value";
  }
}
