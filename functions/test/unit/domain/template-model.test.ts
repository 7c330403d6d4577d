import { contentReferences, templateDefinitionSchema } from "../../../src/domain/template-model";

const box = { x: 0, y: 0, width: 1, height: 1 };
function definition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug: "card",
    parameters: {
      title: { type: "text", default: "Hello" },
      accent: { type: "color", default: "#1d9bf0" },
      theme: { type: "choice", values: ["light", "dark"], default: "light" },
      count: { type: "number", min: 0, max: 10, default: 3 },
      avatar: { type: "image", default: null },
    },
    elements: [
      { type: "rect", box, fill: { param: "theme", map: { light: "#ffffff", dark: "#000000" } } },
      { type: "text", box, content: "{{title}} ({{ count }})", size: { min: 20, max: 60 }, color: { param: "accent" } },
      { type: "image", box, source: "avatar", showIf: "avatar" },
    ],
    ...overrides,
  };
}

function issuePaths(input: unknown): string[] {
  const result = templateDefinitionSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
}

describe("templateDefinitionSchema cross-checks", () => {
  it("accepts a definition whose references and defaults fit", () => {
    expect(issuePaths(definition())).toEqual([]);
  });

  it("finds {{name}} references, ignoring other braces", () => {
    expect(contentReferences("{{a}} {{ b_2 }} {c} {{1x}} {{}}")).toEqual(["a", "b_2"]);
  });

  it.each([
    ["an undeclared content reference", { content: "{{nope}}" }, "elements.1.content"],
    ["a content reference to an image", { content: "{{avatar}}" }, "elements.1.content"],
    ["a colour paint naming a text parameter", { color: { param: "title" } }, "elements.1.color.param"],
    ["a size range upside down", { size: { min: 70, max: 60 } }, "elements.1.size.min"],
    ["a showIf naming a colour", { showIf: "accent" }, "elements.1.showIf"],
  ])("refuses %s", (_name, patch, path) => {
    const def = definition();
    const elements = def.elements as Record<string, unknown>[];
    elements[1] = { ...elements[1], ...patch };
    expect(issuePaths(def)).toEqual([path]);
  });

  it("refuses an image element whose source is not an image parameter", () => {
    const def = definition();
    (def.elements as Record<string, unknown>[])[2] = { type: "image", box, source: "title" };
    expect(issuePaths(def)).toEqual(["elements.2.source"]);
  });

  it("refuses a choice paint whose map misses a value, and a map on a colour parameter", () => {
    expect(issuePaths(definition({ background: { param: "theme", map: { light: "#fff" } } }))).toEqual([
      "background.map",
    ]);
    expect(issuePaths(definition({ background: { param: "accent", map: { x: "#fff" } } }))).toEqual(["background.map"]);
    expect(issuePaths(definition({ background: { param: "ghost" } }))).toEqual(["background.param"]);
  });

  it("refuses defaults that do not fit their declarations", () => {
    const parameters = {
      theme: { type: "choice", values: ["light"], default: "dark" },
      low: { type: "number", min: 0, max: 10, default: 11 },
      upside: { type: "number", min: 5, max: 1, default: 3 },
      long: { type: "text", default: "abcdef", maxLength: 3 },
    };
    const elements = [{ type: "rect", box, fill: "#000" }];
    expect(issuePaths(definition({ parameters, elements })).sort()).toEqual([
      "parameters.long.default",
      "parameters.low.default",
      "parameters.theme.default",
      "parameters.upside.min",
    ]);
  });

  it("does not treat inherited object keys as declared parameters", () => {
    const def = definition();
    (def.elements as Record<string, unknown>[])[1] = {
      type: "text",
      box,
      content: "{{constructor}}",
      size: { min: 10, max: 20 },
      color: "#000",
    };
    expect(issuePaths(def)).toEqual(["elements.1.content"]);
  });
});
