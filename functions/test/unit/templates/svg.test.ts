import sharp from "sharp";
import { templateDefinitionSchema } from "../../../src/domain/template-model";
import { resolveConfig } from "../../../src/templates/config";
import { templateSvg } from "../../../src/templates/svg";

const def = templateDefinitionSchema.parse({
  slug: "hostile",
  parameters: {
    title: { type: "text", default: "", maxLength: 2000 },
    who: { type: "choice", values: ["a"], default: "a" },
  },
  elements: [
    {
      type: "text",
      box: { x: 0, y: 0, width: 1, height: 1 },
      content: "{{title}} — {{who}}",
      size: { min: 10, max: 40 },
      color: { gradient: { from: "#123", to: "#4567" } },
    },
  ],
});
const canvas = { width: 1200, height: 630, ratio: "1.91:1" as const };
const ALLOWED_TAGS = new Set(["svg", "defs", "linearGradient", "stop", "clipPath", "rect", "g", "path", "image"]);

describe("templateSvg with hostile text", () => {
  it.each([
    ["markup", "</svg><script>alert(1)</script><svg onload=alert(2)>"],
    ["entities and quotes", `Tom & Jerry's "show" &amp; &#60;b&#62; <!-- x --> <![CDATA[ y ]]>`],
    ["control characters", "a\u0000b\u0007c\u001bd\u007fe\u0085f\r\ng\th"],
    ["2000 characters", "xy<z&".repeat(400)],
    ["zero-width and bidi controls", "a\u200bb\u200cc\u200dd\u2060e\ufeff\u202eevil\u202c\u2066f"],
  ])("%s never reach the SVG as markup", async (_name, title) => {
    const { values } = resolveConfig(def, { title });
    const svg = templateSvg(def, values, canvas, new Map());
    const tags = [...svg.matchAll(/<\/?([A-Za-z][\w:-]*)/g)].map((m) => m[1] ?? "");
    expect(tags.filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
    expect(svg).not.toMatch(/script|onload|CDATA|<!--|&amp;amp|alert/i);
    // Attribute values hold only path data, numbers, colours and references.
    for (const [, value] of svg.matchAll(/="([^"]*)"/g)) expect(value).toMatch(/^[\w\s.,#:;/()+=-]*$/);
    const { width, height } = await sharp(Buffer.from(svg))
      .png()
      .toBuffer({ resolveWithObject: true })
      .then((r) => r.info);
    expect([width, height]).toEqual([1200, 630]);
  });
});
