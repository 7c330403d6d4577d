import { AppError } from "../../../src/domain/errors";
import { templateDefinitionSchema } from "../../../src/domain/template-model";
import { resolveConfig } from "../../../src/templates/config";

const def = templateDefinitionSchema.parse({
  slug: "card",
  parameters: {
    title: { type: "text", default: "Hello", maxLength: 10 },
    accent: { type: "color", default: "#1d9bf0" },
    theme: { type: "choice", values: ["light", "dark"], default: "light" },
    size: { type: "number", min: 1, max: 5, default: 2 },
    avatar: { type: "image", default: null },
  },
  elements: [{ type: "rect", box: { x: 0, y: 0, width: 1, height: 1 }, fill: { param: "accent" } }],
});

function issuesOf(config: unknown): { field: string; reason: string }[] {
  try {
    resolveConfig(def, config);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const app = error as AppError;
    expect(app.code).toBe("validation_error");
    return (app.details.issues as { field: string; reason: string }[]).map(({ field, reason }) => ({ field, reason }));
  }
  return [];
}

describe("resolveConfig", () => {
  it("fills defaults and keeps given values", () => {
    expect(resolveConfig(def, undefined).values).toEqual({
      title: "Hello",
      accent: "#1d9bf0",
      theme: "light",
      size: 2,
      avatar: null,
    });
    const given = { title: "Hi 👋", accent: "#000", theme: "dark", size: 5, avatar: "https://example.com/a.png" };
    expect(resolveConfig(def, given).values).toEqual(given);
  });

  it.each([
    [{ nope: 1 }, "config.nope", "unknown_field"],
    [{ title: 5 }, "config.title", "invalid_type"],
    [{ title: "x".repeat(11) }, "config.title", "too_long"],
    [{ accent: "blue" }, "config.accent", "invalid_color"],
    [{ accent: "#12345" }, "config.accent", "invalid_color"],
    [{ theme: "purple" }, "config.theme", "invalid_value"],
    [{ size: 6 }, "config.size", "out_of_range"],
    [{ size: "3" }, "config.size", "invalid_type"],
    [{ size: Number.NaN }, "config.size", "invalid_type"],
    [{ avatar: "file:///etc/passwd" }, "config.avatar", "invalid_url"],
    [{ avatar: "not a url" }, "config.avatar", "invalid_url"],
    [{ avatar: 3 }, "config.avatar", "invalid_type"],
    [{ constructor: "x" }, "config.constructor", "unknown_field"],
  ])("refuses %j as %s %s", (config, field, reason) => {
    expect(issuesOf(config)).toEqual([{ field, reason }]);
  });

  it("counts length in characters, not UTF-16 units", () => {
    expect(resolveConfig(def, { title: "😀".repeat(10) }).values.title).toBe("😀".repeat(10));
  });

  it("lists every problem at once, and refuses a config that is not an object", () => {
    expect(issuesOf({ nope: 1, size: 0 }).map((i) => i.field)).toEqual(["config.nope", "config.size"]);
    expect(issuesOf([1])).toEqual([{ field: "config", reason: "invalid_type" }]);
    expect(issuesOf("title")).toEqual([{ field: "config", reason: "invalid_type" }]);
  });
});

describe("resolveConfig with aliases (a Soku-era key beside the card's own)", () => {
  const aliased = templateDefinitionSchema.parse({
    slug: "post-card",
    parameters: {
      title: { type: "text", default: "Hello", aliases: ["text"] },
      author: { type: "text", default: "Ada", aliases: ["name"] },
    },
    elements: [
      {
        type: "text",
        box: { x: 0, y: 0, width: 1, height: 1 },
        content: "{{author}}: {{title}}",
        size: { min: 10, max: 20 },
        color: "#000000",
      },
    ],
  });

  it("takes a value under its alias as the parameter's", () => {
    expect(resolveConfig(aliased, { text: "Hi", name: "Grace" }).values).toEqual({ title: "Hi", author: "Grace" });
    expect(resolveConfig(aliased, { title: "Hi" }).values).toEqual({ title: "Hi", author: "Ada" });
  });

  it("refuses a parameter given under two keys, naming the second", () => {
    let caught: unknown;
    try {
      resolveConfig(aliased, { title: "A", text: "B" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const issues = (caught as AppError).details.issues as { field: string; reason: string }[];
    expect(issues.map(({ field, reason }) => ({ field, reason }))).toEqual([
      { field: "config.text", reason: "duplicate" },
    ]);
  });

  it("refuses a definition whose alias is another parameter's name or alias", () => {
    const clash = (aliases: string[]) =>
      templateDefinitionSchema.safeParse({
        slug: "x",
        parameters: {
          title: { type: "text", default: "", aliases },
          author: { type: "text", default: "", aliases: ["name"] },
        },
        elements: [{ type: "rect", box: { x: 0, y: 0, width: 1, height: 1 }, fill: "#000000" }],
      }).success;
    expect(clash(["text"])).toBe(true);
    expect(clash(["author"])).toBe(false);
    expect(clash(["name"])).toBe(false);
  });
});
