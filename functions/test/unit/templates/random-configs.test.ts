/**
 * Random configs against every built-in, through resolveConfig and renderTemplate as the route calls
 * them: nothing crashes, and each answer is either a PNG of the canvas's exact size or a
 * validation_error naming the offending key (`config.<key>`, or `config` for a config that is not an
 * object), which the route turns into a 400. Values mix declared keys with unknown ones, hostile and
 * huge strings, every JS type, colours well and badly formed, numbers out of range, and image URLs
 * whose fetch gives an image, bytes that are not one, or a refusal.
 */
import fc from "fast-check";
import sharp from "sharp";
import { AppError, validationError } from "../../../src/domain/errors";
import { CANVAS_SIZES, type CanvasRatio, type TemplateParameter } from "../../../src/domain/template-model";
import { BUILT_IN_TEMPLATES, renderTemplate, resolveConfig } from "../../../src/templates";

jest.setTimeout(180_000);

const HOSTILE = [
  "",
  " ",
  "</svg><script>alert(1)</script>",
  "<text>&amp; & ' \" ]]> <!-- --> <![CDATA[x]]>",
  "{{title}} {{ __proto__ }} {{constructor}}",
  "\u0000\u0007\u001b[31m\r\n\t\u2028\u2029",
  "\u200b\u200d\u200e\u200f\u202e\u2066\ufeff",
  "مرحبا بالعالم hello עולם 123",
  "中文日本語한국어".repeat(40),
  "👩🏽‍💻🇯🇵🏳️‍🌈🧑‍🤝‍🧑#️⃣\ufe0f\u20e3",
  "e\u0301\u0308\u0338".repeat(100),
  "\ud800 lone surrogates \udfff",
  "W".repeat(2000),
  "word ".repeat(500),
  "Lorem ipsum dolor sit amet, ".repeat(14),
  "Supercalifragilisticexpialidocious".repeat(10),
  "x".repeat(5000),
  "none",
  "false",
];
const COLOURS = ["#000", "#fff8", "#1d9bf0", "#1d9bf080", "#GGGGGG", "1d9bf0", "#12345", "red", "rgb(0,0,0)", "#"];
const CHOICES = ["dark", "light", "shade", "none", "Dark", "", "purple"];
const URLS = [
  "https://images.example.com/ok.png",
  "https://images.example.com/not-an-image.png",
  "https://images.example.com/refused.png",
  "http://127.0.0.1/latest/meta-data",
  "ftp://example.com/a.png",
  "javascript:alert(1)",
  "data:image/png;base64,AAAA",
  "//example.com/a.png",
];

const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(...COLOURS, ...CHOICES, ...URLS),
  fc.oneof(fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308)),
  fc.constantFrom(true, false, null, undefined),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

const VALID_COLOURS = COLOURS.filter((c) => /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(c));
const VALID_URLS = URLS.filter((u) => u.startsWith("https://"));

/**
 * A value for a parameter: mostly one it accepts (hostile text and text of its full maxLength
 * included, so the renderer meets them), sometimes anything at all.
 */
function valueFor(param: TemplateParameter): fc.Arbitrary<unknown> {
  const fits = (text: string) => param.type === "text" && [...text].length <= param.maxLength;
  const accepted: fc.Arbitrary<unknown> =
    param.type === "text"
      ? fc.oneof(
          fc.constantFrom(...HOSTILE.filter(fits), "W".repeat(param.maxLength), "中文 ".repeat(param.maxLength / 3)),
          fc.string({ unit: "grapheme", maxLength: Math.min(120, param.maxLength) }).filter(fits),
        )
      : param.type === "color"
        ? fc.constantFrom(...VALID_COLOURS)
        : param.type === "choice"
          ? fc.constantFrom(...param.values)
          : param.type === "image"
            ? fc.constantFrom(...VALID_URLS, null)
            : fc.double({ min: param.min, max: param.max, noNaN: true });
  return fc.oneof({ weight: 7, arbitrary: accepted }, { weight: 1, arbitrary: value });
}

function configFor(slug: string): fc.Arbitrary<unknown> {
  const params = BUILT_IN_TEMPLATES[slug]!.parameters;
  const declared = fc.record(Object.fromEntries(Object.entries(params).map(([name, p]) => [name, valueFor(p)])), {
    requiredKeys: [],
  });
  const unknownKey = fc.oneof(
    fc.constantFrom("__proto__", "constructor", "toString", "config", "Title", ""),
    fc.string({ maxLength: 12 }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: declared },
    {
      weight: 2,
      arbitrary: fc
        .tuple(declared, unknownKey, value)
        .map(([config, key, v]) => Object.defineProperty({ ...config }, key, { value: v, enumerable: true })),
    },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, "config", 42, [], [{ title: "x" }]) },
  );
}

const ratio = fc.constantFrom<CanvasRatio | undefined>(undefined, "1.91:1", "1:1", "4:5", "9:16");

/** What the engine's fetchImage gives for a URL: a photo, bytes that are no image, or a refusal. */
async function fetchImageStub() {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c0ffee" } })
    .jpeg()
    .toBuffer();
  return (url: string, param: string): Promise<Buffer> => {
    if (url.includes("refused"))
      return Promise.reject(
        validationError([{ field: `config.${param}`, reason: "media_refused", message: "The image was refused." }]),
      );
    return Promise.resolve(url.includes("not-an-image") ? Buffer.from("<html>not found</html>") : photo);
  };
}

describe.each(Object.keys(BUILT_IN_TEMPLATES))("random configs against %s", (slug) => {
  const def = BUILT_IN_TEMPLATES[slug]!;

  it("render a PNG of the canvas's size or answer validation_error naming the key", async () => {
    const fetchImage = await fetchImageStub();
    const outcomes = { rendered: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(configFor(slug), ratio, async (config, asked) => {
        let out: Awaited<ReturnType<typeof renderTemplate>>;
        try {
          const { values } = resolveConfig(def, config);
          out = await renderTemplate(def, values, asked, { fetchImage });
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          const { code, details } = err as AppError;
          expect(code).toBe("validation_error");
          const field = String(details.field);
          const keys = config !== null && typeof config === "object" ? Object.keys(config) : [];
          expect(field === "config" || keys.some((k) => field === `config.${k}`)).toBe(true);
          outcomes.refused++;
          return;
        }
        const expected = asked ?? def.defaultRatio;
        expect({ ratio: out.ratio, width: out.width, height: out.height }).toEqual({
          ratio: expected,
          ...CANVAS_SIZES[expected],
        });
        const meta = await sharp(out.png).metadata();
        expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
          format: "png",
          ...CANVAS_SIZES[expected],
        });
        outcomes.rendered++;
      }),
      // The two examples make both outcomes certain whatever the seed: defaults, and an unknown key.
      {
        numRuns: 25,
        examples: [
          [{}, undefined],
          [{ notAParameter: "x" }, "9:16"],
        ],
      },
    );
    // Both paths were taken, so the property says something about each.
    expect(outcomes.rendered).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
