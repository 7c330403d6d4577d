import {
  CONTENT_REFERENCE,
  REFERENCE_WIDTH,
  type Box,
  type CanvasRatio,
  type Paint,
  type TemplateDefinition,
  type TemplateElement,
} from "../domain/template-model";
import type { TemplateValues } from "./config";
import { emojiDataUri } from "./emoji";
import { layoutText, type PixelBox } from "./text-layout";

/**
 * The SVG of a template: rects, images and text, the text as glyph outlines (paths), never text
 * nodes. Nothing a caller writes becomes markup: text turns into path data; colours pass the
 * model's hex check and are written as rgb + opacity; images are data: URIs built here (librsvg is
 * never handed a URL to fetch); every attribute value is escaped all the same.
 */
export interface EmbeddedImage {
  /** data:image/…;base64 */
  href: string;
}

export interface Canvas {
  width: number;
  height: number;
  ratio: CanvasRatio;
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether `showIf`'s parameter hides the element: empty, null, "none" or "false". */
export function hidden(element: TemplateElement, values: TemplateValues): boolean {
  if (element.showIf === undefined) return false;
  const value = values[element.showIf];
  return value === null || value === undefined || value === "" || value === "none" || value === "false";
}

export function elementBox(element: TemplateElement, canvas: Canvas): PixelBox {
  const box: Box = element.boxes?.[canvas.ratio] ?? element.box;
  const x = box.x * canvas.width;
  const y = box.y * canvas.height;
  // A box reaching past the canvas is drawn up to its edge.
  return {
    x,
    y,
    width: Math.min(box.width * canvas.width, canvas.width - x),
    height: Math.min(box.height * canvas.height, canvas.height - y),
  };
}

/** The text of an element with its `{{name}}` references replaced by the parameters' values. */
export function substitute(content: string, values: TemplateValues): string {
  return content.replace(CONTENT_REFERENCE, (_m, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return value === null || value === undefined ? "" : String(value);
  });
}

class Defs {
  private readonly items: string[] = [];
  add(markup: (id: string) => string): string {
    const id = `d${this.items.length}`;
    this.items.push(markup(id));
    return id;
  }
  toString(): string {
    return this.items.length > 0 ? `<defs>${this.items.join("")}</defs>` : "";
  }
}

/** `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa` as `#rrggbb` and an opacity. */
export function parseColor(color: string): { rgb: string; alpha: number } {
  let hex = color.slice(1);
  if (hex.length <= 4) hex = [...hex].map((c) => c + c).join("");
  if (!/^[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?$/.test(hex)) return { rgb: "#000000", alpha: 1 };
  const alpha = hex.length === 8 ? parseInt(hex.slice(6), 16) / 255 : 1;
  return { rgb: `#${hex.slice(0, 6).toLowerCase()}`, alpha: Math.round(alpha * 1000) / 1000 };
}

/** The fill attributes of a paint (a colour, a parameter's colour, or a gradient added to defs). */
function fill(paint: Paint, values: TemplateValues, defs: Defs): string {
  if (typeof paint === "string") return solid(paint);
  if ("param" in paint) {
    const value = values[paint.param];
    const color =
      typeof value === "string" ? (paint.map && Object.hasOwn(paint.map, value) ? paint.map[value] : value) : undefined;
    return solid(color && color.startsWith("#") ? color : "#000000");
  }
  const { from, to, angle } = paint.gradient;
  // CSS's convention: 0° points up, 90° (the default) runs left to right.
  const rad = (angle * Math.PI) / 180;
  const dx = Math.sin(rad) / 2;
  const dy = -Math.cos(rad) / 2;
  const a = parseColor(from);
  const b = parseColor(to);
  const id = defs.add(
    (id) =>
      `<linearGradient id="${id}" x1="${n(0.5 - dx)}" y1="${n(0.5 - dy)}" x2="${n(0.5 + dx)}" y2="${n(0.5 + dy)}">` +
      `<stop offset="0" stop-color="${a.rgb}" stop-opacity="${a.alpha}"/>` +
      `<stop offset="1" stop-color="${b.rgb}" stop-opacity="${b.alpha}"/></linearGradient>`,
  );
  return `fill="url(#${id})"`;
}

function solid(color: string): string {
  const { rgb, alpha } = parseColor(color);
  return alpha < 1 ? `fill="${escapeXml(rgb)}" fill-opacity="${alpha}"` : `fill="${escapeXml(rgb)}"`;
}

const n = (v: number) => String(Math.round(v * 100) / 100);

export function templateSvg(
  def: TemplateDefinition,
  values: TemplateValues,
  canvas: Canvas,
  images: ReadonlyMap<string, EmbeddedImage>,
): string {
  const defs = new Defs();
  const body: string[] = [
    `<rect x="0" y="0" width="${canvas.width}" height="${canvas.height}" ${fill(def.background, values, defs)}/>`,
  ];
  const scale = canvas.width / REFERENCE_WIDTH;
  for (const element of def.elements) {
    if (hidden(element, values)) continue;
    const box = elementBox(element, canvas);
    const opacity = element.opacity < 1 ? ` opacity="${element.opacity}"` : "";
    const radius = "radius" in element ? element.radius * Math.min(box.width, box.height) : 0;
    const geometry = `x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}"`;
    if (element.type === "rect") {
      body.push(
        `<rect ${geometry} rx="${n(radius)}" ry="${n(radius)}" ${fill(element.fill, values, defs)}${opacity}/>`,
      );
    } else if (element.type === "image") {
      const image = images.get(element.source);
      if (!image) continue;
      const clip =
        radius > 0
          ? ` clip-path="url(#${defs.add((id) => `<clipPath id="${id}"><rect ${geometry} rx="${n(radius)}" ry="${n(radius)}"/></clipPath>`)})"`
          : "";
      const aspect = element.fit === "cover" ? "xMidYMid slice" : "xMidYMid meet";
      body.push(
        `<image ${geometry} preserveAspectRatio="${aspect}" href="${escapeXml(image.href)}"${clip}${opacity}/>`,
      );
    } else {
      const text = substitute(element.content, values);
      if (text.trim() === "") continue;
      const layout = layoutText(
        text,
        {
          family: element.font.family,
          weight: element.font.weight,
          size: { min: element.size.min * scale, max: element.size.max * scale },
          align: element.align,
          verticalAlign: element.verticalAlign,
          lineHeight: element.lineHeight,
          maxLines: element.maxLines,
        },
        box,
      );
      const parts: string[] = [];
      if (layout.pathData) parts.push(`<path d="${escapeXml(layout.pathData)}" ${fill(element.color, values, defs)}/>`);
      for (const e of layout.emoji) {
        parts.push(
          `<image x="${n(e.x)}" y="${n(e.y)}" width="${n(e.size)}" height="${n(e.size)}" href="${escapeXml(emojiDataUri(e.file))}"/>`,
        );
      }
      body.push(`<g${opacity}>${parts.join("")}</g>`);
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}" ` +
    `viewBox="0 0 ${canvas.width} ${canvas.height}">${defs.toString()}${body.join("")}</svg>`
  );
}
