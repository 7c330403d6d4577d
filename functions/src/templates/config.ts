import { colorSchema, type TemplateDefinition, type TemplateParameter } from "../domain/template-model";
import { validationError, type FieldIssue } from "../domain/errors";

/** A parameter's value after resolution: text, colour and choice as strings, number, image URL or null. */
export type TemplateValue = string | number | null;
export type TemplateValues = Record<string, TemplateValue>;

/**
 * A caller's `config` checked against the template's parameters, defaults filled in. Every problem
 * is a `config.<key>` field of one 400 validation_error: an unknown key, a wrong type, a text longer
 * than its maxLength, a malformed colour, a choice not among its values, a number out of range, an
 * image that is not an http(s) URL. Pure (no fonts, no sharp): the API calls it before rendering.
 */
export function resolveConfig(def: TemplateDefinition, config: unknown): { values: TemplateValues } {
  if (config === undefined || config === null) config = {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw validationError([{ field: "config", reason: "invalid_type", message: "config must be an object." }]);
  }
  const given = config as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const values: TemplateValues = {};
  const keyOf = configKeys(def);
  const byParam = new Map<string, string>();
  for (const key of Object.keys(given)) {
    const name = Object.hasOwn(keyOf, key) ? keyOf[key] : undefined;
    if (name === undefined) {
      const known = Object.keys(keyOf).join(", ") || "none";
      issues.push(issue(key, "unknown_field", `'${key}' is not a parameter of this template (parameters: ${known}).`));
      continue;
    }
    const other = byParam.get(name);
    if (other !== undefined) {
      issues.push(issue(key, "duplicate", `'config.${key}' and 'config.${other}' are the same parameter: give one.`));
      continue;
    }
    byParam.set(name, key);
  }
  for (const [name, param] of Object.entries(def.parameters)) {
    const key = byParam.get(name);
    const value = key === undefined ? undefined : given[key];
    if (key === undefined || value === undefined) {
      values[name] = param.default;
      continue;
    }
    const problem = check(key, param, value);
    if (problem) issues.push(problem);
    else values[name] = value as TemplateValue;
  }
  if (issues.length > 0) throw validationError(issues);
  return { values };
}

/** Every config key the template accepts (its parameters' names and their aliases) → the parameter. */
function configKeys(def: TemplateDefinition): Record<string, string> {
  const keys: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, param] of Object.entries(def.parameters)) {
    keys[name] = name;
    for (const alias of param.aliases ?? []) keys[alias] = name;
  }
  return keys;
}

function issue(name: string, reason: string, message: string): FieldIssue {
  return { field: `config.${name}`, reason, message };
}

function check(name: string, param: TemplateParameter, value: unknown): FieldIssue | null {
  const wrongType = (expected: string) => issue(name, "invalid_type", `'config.${name}' must be ${expected}.`);
  switch (param.type) {
    case "text":
      if (typeof value !== "string") return wrongType("a string");
      if ([...value].length > param.maxLength) {
        return issue(name, "too_long", `'config.${name}' is longer than ${param.maxLength} characters.`);
      }
      return null;
    case "color":
      if (typeof value !== "string") return wrongType("a hex colour string");
      return colorSchema.safeParse(value).success
        ? null
        : issue(name, "invalid_color", `'config.${name}' must be a hex colour such as #1d9bf0.`);
    case "choice":
      if (typeof value !== "string") return wrongType("a string");
      return param.values.includes(value)
        ? null
        : issue(name, "invalid_value", `'config.${name}' must be one of ${param.values.join(", ")}.`);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return wrongType("a number");
      return value >= param.min && value <= param.max
        ? null
        : issue(name, "out_of_range", `'config.${name}' must be between ${param.min} and ${param.max}.`);
    case "image":
      if (value === null) return null;
      if (typeof value !== "string") return wrongType("an http(s) image URL or null");
      return isHttpUrl(value) ? null : issue(name, "invalid_url", `'config.${name}' must be an http(s) image URL.`);
  }
}

function isHttpUrl(value: string): boolean {
  if (value.length > 4096) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
