import type { TemplateDefinitionInput } from "./definition-input";

const margin = { x: 0.0667, width: 0.8667 };
const wide = { x: 0.08, width: 0.84 };
const theme = (dark: string, light: string) => ({ param: "theme", map: { dark, light } });

/**
 * An Open Graph card for an article: site name over a large title and its description, on the theme's
 * colour or a dimmed background photo. The tall canvases stack the same blocks with more room, so the
 * title grows toward its largest size instead of staying at the 1200×630 one.
 */
export const ogBlogPost: TemplateDefinitionInput = {
  slug: "og-blog-post",
  name: "Blog post (Open Graph)",
  description: "A blog post's Open Graph image: site name, title and description, optional background photo.",
  parameters: {
    title: {
      type: "text",
      default: "How we render social cards in milliseconds without a browser",
      maxLength: 200,
      description: "The post's title.",
    },
    description: {
      type: "text",
      default: "Text shaped with fontkit, laid out in boxes that shrink to fit, rasterised by sharp.",
      maxLength: 400,
      description: "A sentence under the title.",
    },
    siteName: { type: "text", default: "postcast.dev", maxLength: 60, description: "Shown above the title." },
    background: {
      type: "image",
      default: null,
      description: "An http(s) URL of a photo shown dimmed behind the text; none by default.",
    },
    accentColor: { type: "color", default: "#6366f1", description: "The site name's and the bars' colour." },
    theme: { type: "choice", values: ["dark", "light"], default: "dark", description: "Dark or light card." },
  },
  background: theme("#0f172a", "#f8fafc"),
  elements: [
    { type: "image", source: "background", box: { x: 0, y: 0, width: 1, height: 1 }, fit: "cover", opacity: 0.3 },
    {
      type: "rect",
      fill: { param: "accentColor" },
      box: { x: margin.x, y: 0.127, width: 0.05, height: 0.0127 },
      boxes: {
        "1:1": { x: wide.x, y: 0.15, width: 0.07, height: 0.0074 },
        "4:5": { x: wide.x, y: 0.17, width: 0.07, height: 0.0059 },
        "9:16": { x: wide.x, y: 0.22, width: 0.07, height: 0.0042 },
      },
    },
    {
      type: "text",
      content: "{{siteName}}",
      font: { family: "sans", weight: 700 },
      size: { min: 20, max: 44 },
      color: { param: "accentColor" },
      maxLines: 1,
      box: { x: margin.x, y: 0.165, width: margin.width, height: 0.065 },
      boxes: {
        "1:1": { x: wide.x, y: 0.175, width: wide.width, height: 0.05 },
        "4:5": { x: wide.x, y: 0.19, width: wide.width, height: 0.04 },
        "9:16": { x: wide.x, y: 0.235, width: wide.width, height: 0.03 },
      },
    },
    {
      type: "text",
      content: "{{title}}",
      font: { family: "sans", weight: 700 },
      size: { min: 36, max: 140 },
      color: theme("#f8fafc", "#0f172a"),
      lineHeight: 1.15,
      maxLines: 5,
      box: { x: margin.x, y: 0.27, width: margin.width, height: 0.42 },
      boxes: {
        "1:1": { x: wide.x, y: 0.26, width: wide.width, height: 0.44 },
        "4:5": { x: wide.x, y: 0.255, width: wide.width, height: 0.44 },
        "9:16": { x: wide.x, y: 0.29, width: wide.width, height: 0.34 },
      },
    },
    {
      type: "text",
      content: "{{description}}",
      size: { min: 20, max: 52 },
      color: theme("#cbd5e1", "#475569"),
      lineHeight: 1.35,
      maxLines: 4,
      box: { x: margin.x, y: 0.73, width: margin.width, height: 0.17 },
      boxes: {
        "1:1": { x: wide.x, y: 0.72, width: wide.width, height: 0.18 },
        "4:5": { x: wide.x, y: 0.715, width: wide.width, height: 0.17 },
        "9:16": { x: wide.x, y: 0.65, width: wide.width, height: 0.13 },
      },
    },
    {
      type: "rect",
      fill: { param: "accentColor" },
      box: { x: 0, y: 0.984, width: 1, height: 0.016 },
      boxes: {
        "1:1": { x: 0, y: 0.9907, width: 1, height: 0.0093 },
        "4:5": { x: 0, y: 0.9926, width: 1, height: 0.0074 },
        "9:16": { x: 0, y: 0.9948, width: 1, height: 0.0052 },
      },
    },
  ],
};
