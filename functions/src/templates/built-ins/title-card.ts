import type { TemplateDefinitionInput } from "./definition-input";

const text = { param: "textColor" };

/**
 * A plain title card: a large centred title and a subtitle on a colour, shaded diagonally unless
 * `gradient` is "none" (gradients take literal colours in the model, so the shade is a translucent
 * black over the chosen colour, which works on any colour).
 */
export const titleCard: TemplateDefinitionInput = {
  slug: "title-card",
  name: "Title card",
  description: "A title and a subtitle, centred on a colour or a shaded colour.",
  parameters: {
    title: { type: "text", default: "Postcast", maxLength: 200, description: "The title." },
    subtitle: {
      type: "text",
      default: "One post, eight platforms.",
      maxLength: 300,
      description: "Under the title; empty leaves it out.",
    },
    backgroundColor: { type: "color", default: "#4f46e5", description: "The card's colour." },
    gradient: {
      type: "choice",
      values: ["shade", "none"],
      default: "shade",
      description: "'shade' darkens the colour toward the bottom right; 'none' keeps it flat.",
    },
    textColor: { type: "color", default: "#ffffff", description: "The title's and subtitle's colour." },
  },
  background: { param: "backgroundColor" },
  elements: [
    {
      type: "rect",
      showIf: "gradient",
      fill: { gradient: { from: "#ffffff1a", to: "#00000073", angle: 135 } },
      box: { x: 0, y: 0, width: 1, height: 1 },
    },
    {
      type: "text",
      content: "{{title}}",
      font: { family: "sans", weight: 700 },
      size: { min: 44, max: 160 },
      color: text,
      align: "center",
      verticalAlign: "bottom",
      lineHeight: 1.1,
      maxLines: 5,
      box: { x: 0.08, y: 0.16, width: 0.84, height: 0.45 },
      boxes: {
        "1:1": { x: 0.08, y: 0.16, width: 0.84, height: 0.46 },
        "4:5": { x: 0.08, y: 0.17, width: 0.84, height: 0.45 },
        "9:16": { x: 0.08, y: 0.2, width: 0.84, height: 0.42 },
      },
    },
    {
      type: "rect",
      showIf: "subtitle",
      fill: text,
      opacity: 0.6,
      box: { x: 0.46, y: 0.645, width: 0.08, height: 0.0079 },
      boxes: {
        "1:1": { x: 0.45, y: 0.65, width: 0.1, height: 0.0046 },
        "4:5": { x: 0.45, y: 0.65, width: 0.1, height: 0.0037 },
        "9:16": { x: 0.45, y: 0.65, width: 0.1, height: 0.0026 },
      },
    },
    {
      type: "text",
      content: "{{subtitle}}",
      size: { min: 22, max: 64 },
      color: text,
      opacity: 0.85,
      align: "center",
      lineHeight: 1.3,
      maxLines: 3,
      box: { x: 0.12, y: 0.69, width: 0.76, height: 0.19 },
      boxes: {
        "1:1": { x: 0.1, y: 0.69, width: 0.8, height: 0.17 },
        "4:5": { x: 0.1, y: 0.68, width: 0.8, height: 0.15 },
        "9:16": { x: 0.1, y: 0.68, width: 0.8, height: 0.12 },
      },
    },
  ],
};
