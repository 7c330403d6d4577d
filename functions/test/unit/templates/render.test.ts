import sharp from "sharp";
import { AppError } from "../../../src/domain/errors";
import { CANVAS_SIZES, templateDefinitionSchema } from "../../../src/domain/template-model";
import { resolveConfig } from "../../../src/templates/config";
import { renderTemplate, type RenderDeps } from "../../../src/templates/render";

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
    return [data[i], data[i + 1], data[i + 2]];
  };
  return { info, at };
}
const near = (actual: (number | undefined)[], expected: number[], tolerance = 3) =>
  expect(actual.every((v, i) => Math.abs((v ?? -999) - (expected[i] ?? 0)) <= tolerance)).toBe(true);

const noImages: RenderDeps = {
  fetchImage: () => Promise.reject(new Error("no image expected")),
};

const card = templateDefinitionSchema.parse({
  slug: "card",
  parameters: {
    title: { type: "text", default: "Hello, world" },
    theme: { type: "choice", values: ["red", "blue"], default: "red" },
    badge: { type: "choice", values: ["none", "shown"], default: "none" },
    photo: { type: "image", default: null },
  },
  background: "#204060",
  elements: [
    {
      type: "rect",
      box: { x: 0.1, y: 0.1, width: 0.2, height: 0.2 },
      boxes: { "9:16": { x: 0.5, y: 0.5, width: 0.2, height: 0.2 } },
      fill: { param: "theme", map: { red: "#ff0000", blue: "#0000ff" } },
    },
    { type: "rect", box: { x: 0.7, y: 0.1, width: 0.1, height: 0.1 }, fill: "#00ff00", showIf: "badge" },
    { type: "rect", box: { x: 0.7, y: 0.7, width: 0.1, height: 0.1 }, fill: "#ffffff", opacity: 0.5 },
    { type: "image", box: { x: 0.4, y: 0.4, width: 0.2, height: 0.2 }, source: "photo", radius: 0.5 },
    {
      type: "text",
      box: { x: 0.05, y: 0.8, width: 0.5, height: 0.15 },
      content: "{{title}}",
      size: { min: 12, max: 40 },
      color: "#ffffff",
    },
  ],
});

describe("renderTemplate", () => {
  it.each([undefined, "1:1", "4:5", "9:16"] as const)("renders ratio %s at its canvas's exact size", async (ratio) => {
    const { values } = resolveConfig(card, {});
    const out = await renderTemplate(card, values, ratio, noImages);
    const size = CANVAS_SIZES[ratio ?? "1.91:1"];
    expect({ width: out.width, height: out.height, ratio: out.ratio }).toEqual({ ...size, ratio: ratio ?? "1.91:1" });
    const { info, at } = await pixels(out.png);
    expect([info.width, info.height]).toEqual([size.width, size.height]);
    near(at(5, 5), [0x20, 0x40, 0x60]);
    // The rect (its per-ratio box on 9:16) in the choice's mapped colour.
    const rect = ratio === "9:16" ? [0.6, 0.6] : [0.2, 0.2];
    near(at((rect[0] ?? 0) * size.width, (rect[1] ?? 0) * size.height), [255, 0, 0]);
    if (ratio === "9:16") near(at(0.2 * size.width, 0.2 * size.height), [0x20, 0x40, 0x60]);
    // Half-opaque white over the background.
    near(at(0.75 * size.width, 0.75 * size.height), [0x90, 0xa0, 0xb0], 4);
    // The badge is hidden while its choice is "none".
    near(at(0.75 * size.width, 0.15 * size.height), [0x20, 0x40, 0x60]);
  });

  it("applies choices and showIf, and clips an image to its radius", async () => {
    const photo = await sharp({ create: { width: 600, height: 300, channels: 3, background: "#00c000" } })
      .jpeg()
      .toBuffer();
    const asked: string[] = [];
    const deps: RenderDeps = {
      fetchImage: (url, param) => {
        asked.push(`${param} ${url}`);
        return Promise.resolve(photo);
      },
    };
    const { values } = resolveConfig(card, { theme: "blue", badge: "shown", photo: "https://example.com/p.jpg" });
    const out = await renderTemplate(card, values, "1:1", deps);
    expect(asked).toEqual(["photo https://example.com/p.jpg"]);
    const { at } = await pixels(out.png);
    near(at(216, 216), [0, 0, 255]);
    near(at(810, 162), [0, 255, 0]);
    near(at(540, 540), [0, 0xc0, 0], 8); // the photo covers its box…
    near(at(434, 434), [0x20, 0x40, 0x60]); // …but not the corners its radius cuts off
  });

  it("draws a gradient from its first colour to its second", async () => {
    const def = templateDefinitionSchema.parse({
      ...card,
      background: { gradient: { from: "#000000", to: "#ffffff", angle: 90 } },
      elements: [{ type: "rect", box: { x: 0, y: 0, width: 0.01, height: 0.01 }, fill: "#000" }],
    });
    const out = await renderTemplate(def, resolveConfig(def, {}).values, undefined, noImages);
    const { at } = await pixels(out.png);
    expect(at(20, 300)[0]).toBeLessThan(20);
    expect(at(1180, 300)[0]).toBeGreaterThan(235);
    near(at(600, 300), [128, 128, 128], 8);
  });

  it("turns an image it cannot get or read into a 400 naming the parameter", async () => {
    const { values } = resolveConfig(card, { photo: "https://example.com/p.jpg" });
    for (const deps of [
      { fetchImage: () => Promise.reject(new Error("socket hang up")) },
      { fetchImage: () => Promise.resolve(Buffer.from("not an image at all")) },
    ]) {
      const error = await renderTemplate(card, values, undefined, deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).details.field).toBe("config.photo");
    }
  });
});
