import type sharpModule from "sharp";

/** sharp (libvips + librsvg), loaded on the first render so the API's cold start does not pay for it. */
export async function loadSharp(): Promise<typeof sharpModule> {
  const { default: sharp } = await import("sharp");
  return sharp;
}

/** The template's SVG as a PNG of its own size (the SVG's width and height, at 72 dpi: one unit, one pixel). */
export async function svgToPng(svg: string): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg, "utf8")).png({ compressionLevel: 6 }).toBuffer();
}
