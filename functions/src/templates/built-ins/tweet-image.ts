import type { TemplateDefinitionInput } from "./definition-input";

const theme = (dark: string, light: string) => ({ param: "theme", map: { dark, light } });
const muted = theme("#71767b", "#536471");
/** Square on every canvas: the height is the width's pixels over the canvas's height. */
const avatarPlacement = {
  box: { x: 0.14, y: 0.15, width: 0.08, height: 0.1524 },
  boxes: {
    "1:1": { x: 0.13, y: 0.13, width: 0.1, height: 0.1 },
    "4:5": { x: 0.13, y: 0.14, width: 0.1, height: 0.08 },
    "9:16": { x: 0.13, y: 0.25, width: 0.1, height: 0.05625 },
  },
};

/**
 * A post card (Soku's `tweetImage`): a rounded card on a blue gradient with the avatar, the author's
 * name and handle, the post's text and its time. Soku's field names are kept: `title` is the post's
 * text and `author` the name shown (the "text" and "name"); `subtitle` is an optional line
 * under the text. The avatar sits on a placeholder circle, so the card is whole without one.
 */
export const tweetImage: TemplateDefinitionInput = {
  slug: "tweetImage",
  name: "Post card",
  description: "A social post as a card: avatar, name, handle, text and time.",
  parameters: {
    title: {
      type: "text",
      default: "Shipped: one API call now renders a card like this one and posts it to eight platforms. 🚀",
      maxLength: 560,
      description: "The post's text (also accepted as `text`).",
      aliases: ["text"],
    },
    subtitle: { type: "text", default: "", maxLength: 200, description: "An optional line under the text." },
    author: {
      type: "text",
      default: "Ada Lovelace",
      maxLength: 80,
      description: "The name shown (also accepted as `name`).",
      aliases: ["name"],
    },
    handle: { type: "text", default: "@ada", maxLength: 60, description: "The handle under the name." },
    avatar: { type: "image", default: null, description: "An http(s) URL of the avatar; a plain circle if none." },
    time: { type: "text", default: "9:41 AM · Nov 30, 2026", maxLength: 60, description: "The post's time." },
    theme: { type: "choice", values: ["dark", "light"], default: "dark", description: "Dark or light card." },
  },
  background: { gradient: { from: "#1d9bf0", to: "#7856ff", angle: 135 } },
  elements: [
    {
      type: "rect",
      fill: theme("#000000", "#ffffff"),
      radius: 0.05,
      box: { x: 0.1, y: 0.08, width: 0.8, height: 0.84 },
      boxes: {
        "1:1": { x: 0.07, y: 0.07, width: 0.86, height: 0.86 },
        "4:5": { x: 0.07, y: 0.08, width: 0.86, height: 0.84 },
        "9:16": { x: 0.07, y: 0.19, width: 0.86, height: 0.62 },
      },
    },
    { type: "rect", fill: theme("#333639", "#cfd9de"), radius: 0.5, ...avatarPlacement },
    { type: "image", source: "avatar", fit: "cover", radius: 0.5, ...avatarPlacement },
    {
      type: "text",
      content: "{{author}}",
      font: { family: "sans", weight: 700 },
      size: { min: 22, max: 44 },
      color: theme("#e7e9ea", "#0f1419"),
      maxLines: 1,
      box: { x: 0.24, y: 0.155, width: 0.6, height: 0.075 },
      boxes: {
        "1:1": { x: 0.26, y: 0.135, width: 0.6, height: 0.05 },
        "4:5": { x: 0.26, y: 0.143, width: 0.6, height: 0.04 },
        "9:16": { x: 0.26, y: 0.253, width: 0.6, height: 0.028 },
      },
    },
    {
      type: "text",
      content: "{{handle}}",
      size: { min: 20, max: 36 },
      color: muted,
      maxLines: 1,
      box: { x: 0.24, y: 0.23, width: 0.6, height: 0.065 },
      boxes: {
        "1:1": { x: 0.26, y: 0.185, width: 0.6, height: 0.04 },
        "4:5": { x: 0.26, y: 0.183, width: 0.6, height: 0.035 },
        "9:16": { x: 0.26, y: 0.281, width: 0.6, height: 0.025 },
      },
    },
    {
      type: "text",
      content: "{{title}}",
      size: { min: 24, max: 80 },
      color: theme("#e7e9ea", "#0f1419"),
      lineHeight: 1.3,
      maxLines: 8,
      box: { x: 0.14, y: 0.34, width: 0.72, height: 0.39 },
      boxes: {
        "1:1": { x: 0.13, y: 0.27, width: 0.74, height: 0.45 },
        "4:5": { x: 0.13, y: 0.26, width: 0.74, height: 0.48 },
        "9:16": { x: 0.13, y: 0.33, width: 0.74, height: 0.33 },
      },
    },
    {
      type: "text",
      content: "{{subtitle}}",
      showIf: "subtitle",
      size: { min: 18, max: 36 },
      color: muted,
      maxLines: 2,
      box: { x: 0.14, y: 0.74, width: 0.72, height: 0.065 },
      boxes: {
        "1:1": { x: 0.13, y: 0.73, width: 0.74, height: 0.05 },
        "4:5": { x: 0.13, y: 0.75, width: 0.74, height: 0.04 },
        "9:16": { x: 0.13, y: 0.67, width: 0.74, height: 0.03 },
      },
    },
    {
      type: "text",
      content: "{{time}}",
      size: { min: 18, max: 34 },
      color: muted,
      maxLines: 1,
      box: { x: 0.14, y: 0.82, width: 0.72, height: 0.06 },
      boxes: {
        "1:1": { x: 0.13, y: 0.8, width: 0.74, height: 0.045 },
        "4:5": { x: 0.13, y: 0.81, width: 0.74, height: 0.035 },
        "9:16": { x: 0.13, y: 0.71, width: 0.74, height: 0.025 },
      },
    },
  ],
};
