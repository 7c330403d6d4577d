import { AppError } from "../domain/errors";
import { DEFAULT_MAX_PIXELS } from "../domain/media-pixels";
import { CANVAS_SIZES, type CanvasRatio, type TemplateDefinition } from "../domain/template-model";
import type { TemplateValues } from "./config";
import { imageRefused } from "./fetch-image";
import { loadSharp, svgToPng } from "./raster";
import { elementBox, hidden, templateSvg, type Canvas, type EmbeddedImage } from "./svg";

export interface RenderDeps {
  /** The bytes of an image parameter's URL; refusals are AppErrors naming `config.<param>`. */
  fetchImage(url: string, param: string): Promise<Buffer>;
}

export interface RenderedTemplate {
  png: Buffer;
  width: number;
  height: number;
  ratio: CanvasRatio;
}

/**
 * Renders a template with resolved values (config.ts) at a ratio's canvas (the template's default
 * ratio without one): the images are fetched in parallel and re-encoded to at most twice their
 * box, then the SVG is rasterised by sharp.
 */
export async function renderTemplate(
  def: TemplateDefinition,
  values: TemplateValues,
  ratio: CanvasRatio | undefined,
  deps: RenderDeps,
): Promise<RenderedTemplate> {
  const chosen = ratio ?? def.defaultRatio;
  const canvas: Canvas = { ...CANVAS_SIZES[chosen], ratio: chosen };
  const images = await embedImages(def, values, canvas, deps);
  const png = await svgToPng(templateSvg(def, values, canvas, images));
  return { png, width: canvas.width, height: canvas.height, ratio: chosen };
}

/** Every shown image element's picture, keyed by its parameter; one fetch per parameter. */
async function embedImages(
  def: TemplateDefinition,
  values: TemplateValues,
  canvas: Canvas,
  deps: RenderDeps,
): Promise<Map<string, EmbeddedImage>> {
  // The largest box a parameter fills, and whether any of its elements covers it.
  const wanted = new Map<string, { url: string; width: number; height: number; cover: boolean }>();
  for (const element of def.elements) {
    if (element.type !== "image" || hidden(element, values)) continue;
    const url = values[element.source];
    if (typeof url !== "string" || url === "") continue;
    const box = elementBox(element, canvas);
    const seen = wanted.get(element.source);
    wanted.set(element.source, {
      url,
      width: Math.max(box.width, seen?.width ?? 0),
      height: Math.max(box.height, seen?.height ?? 0),
      cover: element.fit === "cover" || (seen?.cover ?? false),
    });
  }
  const embedded = await Promise.all(
    [...wanted].map(async ([param, want]) => {
      const bytes = await fetchOrRefuse(deps, want.url, param);
      return [param, await reencode(bytes, param, want)] as const;
    }),
  );
  return new Map(embedded);
}

async function fetchOrRefuse(deps: RenderDeps, url: string, param: string): Promise<Buffer> {
  try {
    return await deps.fetchImage(url, param);
  } catch (error) {
    throw error instanceof AppError ? error : imageRefused(param, error);
  }
}

/**
 * The picture at most twice its box (enough for a sharp edge, and it keeps the SVG and librsvg's
 * decode small), EXIF orientation applied; JPEG unless it has transparency.
 */
async function reencode(
  bytes: Buffer,
  param: string,
  want: { width: number; height: number; cover: boolean },
): Promise<EmbeddedImage> {
  const sharp = await loadSharp();
  try {
    const image = sharp(bytes, { limitInputPixels: DEFAULT_MAX_PIXELS, failOn: "error" })
      .rotate()
      .resize({
        width: Math.max(1, Math.ceil(want.width * 2)),
        height: Math.max(1, Math.ceil(want.height * 2)),
        fit: want.cover ? "outside" : "inside",
        withoutEnlargement: true,
      });
    const { hasAlpha } = await sharp(bytes, { limitInputPixels: DEFAULT_MAX_PIXELS }).metadata();
    const out = hasAlpha ? await image.png().toBuffer() : await image.jpeg({ quality: 88 }).toBuffer();
    return { href: `data:image/${hasAlpha ? "png" : "jpeg"};base64,${out.toString("base64")}` };
  } catch (error) {
    throw imageRefused(param, error);
  }
}
