import type { TemplateDefinitionInput } from "./definition-input";

const text = { param: "textColor" };

/**
 * A quote on the brand's colour: a large serif quotation mark, the quote centred in serif, a short
 * rule, the author, and the brand's logo (optional) at the foot.
 */
export const brandedQuoteCard: TemplateDefinitionInput = {
  slug: "branded-quote-card",
  name: "Branded quote",
  description: "A quote and its author on the brand's colour, with an optional logo.",
  parameters: {
    quote: {
      type: "text",
      default: "Simplicity is prerequisite for reliability.",
      maxLength: 400,
      description: "The quote, without quotation marks.",
    },
    author: { type: "text", default: "Edsger W. Dijkstra", maxLength: 100, description: "Who said it." },
    brandColor: { type: "color", default: "#0f766e", description: "The card's background." },
    textColor: { type: "color", default: "#ffffff", description: "The text's colour (pick one that reads on it)." },
    logo: { type: "image", default: null, description: "An http(s) URL of the brand's logo; none by default." },
  },
  background: { param: "brandColor" },
  elements: [
    {
      type: "text",
      content: "“",
      font: { family: "serif", weight: 700 },
      size: { min: 120, max: 300 },
      color: text,
      opacity: 0.25,
      lineHeight: 1,
      box: { x: 0.06, y: 0.04, width: 0.15, height: 0.3 },
      boxes: {
        "1:1": { x: 0.08, y: 0.05, width: 0.2, height: 0.18 },
        "4:5": { x: 0.08, y: 0.07, width: 0.2, height: 0.15 },
        "9:16": { x: 0.08, y: 0.15, width: 0.2, height: 0.1 },
      },
    },
    {
      type: "text",
      content: "{{quote}}",
      font: { family: "serif", weight: 700 },
      size: { min: 32, max: 120 },
      color: text,
      align: "center",
      verticalAlign: "middle",
      lineHeight: 1.25,
      maxLines: 8,
      box: { x: 0.12, y: 0.14, width: 0.76, height: 0.52 },
      boxes: {
        "1:1": { x: 0.1, y: 0.2, width: 0.8, height: 0.48 },
        "4:5": { x: 0.1, y: 0.2, width: 0.8, height: 0.5 },
        "9:16": { x: 0.1, y: 0.26, width: 0.8, height: 0.42 },
      },
    },
    {
      type: "rect",
      fill: text,
      opacity: 0.6,
      box: { x: 0.46, y: 0.71, width: 0.08, height: 0.0063 },
      boxes: {
        "1:1": { x: 0.45, y: 0.72, width: 0.1, height: 0.0037 },
        "4:5": { x: 0.45, y: 0.73, width: 0.1, height: 0.003 },
        "9:16": { x: 0.45, y: 0.71, width: 0.1, height: 0.0021 },
      },
    },
    {
      type: "text",
      content: "{{author}}",
      font: { family: "sans", weight: 700 },
      size: { min: 20, max: 48 },
      color: text,
      opacity: 0.85,
      align: "center",
      maxLines: 1,
      box: { x: 0.12, y: 0.75, width: 0.76, height: 0.08 },
      boxes: {
        "1:1": { x: 0.1, y: 0.75, width: 0.8, height: 0.05 },
        "4:5": { x: 0.1, y: 0.76, width: 0.8, height: 0.04 },
        "9:16": { x: 0.1, y: 0.73, width: 0.8, height: 0.03 },
      },
    },
    {
      type: "image",
      source: "logo",
      fit: "contain",
      box: { x: 0.42, y: 0.86, width: 0.16, height: 0.1 },
      boxes: {
        "1:1": { x: 0.4, y: 0.85, width: 0.2, height: 0.09 },
        "4:5": { x: 0.4, y: 0.86, width: 0.2, height: 0.08 },
        "9:16": { x: 0.38, y: 0.84, width: 0.24, height: 0.06 },
      },
    },
  ],
};
