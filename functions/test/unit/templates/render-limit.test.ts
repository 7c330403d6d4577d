import sharp from "sharp";
import { templateDefinitionSchema } from "../../../src/domain/template-model";
import { MAX_CONCURRENT_RENDERS, renderLoad, renderTemplate, resolveConfig } from "../../../src/templates";

jest.setTimeout(60_000);

/** A card whose one image waits until the test lets it through, so renders stay in flight. */
const def = templateDefinitionSchema.parse({
  slug: "held",
  parameters: { photo: { type: "image", default: "https://images.example/photo.png" } },
  elements: [{ type: "image", source: "photo", box: { x: 0, y: 0, width: 0.5, height: 0.5 } }],
});

describe("renderTemplate on one instance", () => {
  it(`runs at most ${MAX_CONCURRENT_RENDERS} renders at once; the rest wait their turn and all finish`, async () => {
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fetching = 0;
    const fetchImage = async () => {
      fetching++;
      await gate;
      return photo;
    };
    const { values } = resolveConfig(def, {});
    const all = Array.from({ length: 5 }, () => renderTemplate(def, values, "1:1", { fetchImage }));
    for (let i = 0; i < 200 && fetching < MAX_CONCURRENT_RENDERS; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(fetching).toBe(MAX_CONCURRENT_RENDERS);
    expect(renderLoad()).toEqual({ active: MAX_CONCURRENT_RENDERS, pending: 5 - MAX_CONCURRENT_RENDERS });
    release();
    const rendered = await Promise.all(all);
    expect(rendered.map((r) => [r.width, r.height])).toEqual(Array.from({ length: 5 }, () => [1080, 1080]));
    expect(fetching).toBe(5);
    expect(renderLoad()).toEqual({ active: 0, pending: 0 });
  });
});
