import { spawn } from "node:child_process";
import { templateDefinitionSchema, type TemplateDefinition } from "../src/domain/template-model";
import { renderTemplate, resolveConfig } from "../src/templates";
import { peakRssMb, percentile } from "./stats";

/**
 * Section 12: the template engine's render time, in a process of its own so the cold figure is a
 * first render's (fontkit, fonts, sharp loaded then) and the peak RSS the engine's alone.
 * `templateRenderSection()` runs this file as that process; run directly, it prints the lines.
 */
export const TEXT_HEAVY: TemplateDefinition = templateDefinitionSchema.parse({
  slug: "bench-text-heavy",
  parameters: {
    title: { type: "text", default: "" },
    body: { type: "text", default: "", maxLength: 2000 },
    footer: { type: "text", default: "" },
  },
  background: { gradient: { from: "#0f172a", to: "#1e3a8a", angle: 135 } },
  elements: [
    { type: "rect", box: { x: 0.04, y: 0.06, width: 0.92, height: 0.88 }, fill: "#ffffff1a", radius: 0.05 },
    {
      type: "text",
      box: { x: 0.08, y: 0.1, width: 0.84, height: 0.3 },
      content: "{{title}}",
      font: { family: "sans", weight: 700 },
      size: { min: 36, max: 72 },
      color: "#ffffff",
      maxLines: 2,
    },
    {
      type: "text",
      box: { x: 0.08, y: 0.42, width: 0.84, height: 0.38 },
      content: "{{body}}",
      font: { family: "serif", weight: 400 },
      size: { min: 18, max: 30 },
      color: "#e2e8f0",
    },
    {
      type: "text",
      box: { x: 0.08, y: 0.83, width: 0.84, height: 0.07 },
      content: "{{footer}}",
      size: { min: 16, max: 24 },
      color: "#93c5fd",
      align: "end",
    },
  ],
});

const BODY =
  "Rendering social cards without a browser: text is shaped by fontkit, split into bidirectional runs, " +
  "broken into lines, shrunk to fit its box and clamped with an ellipsis; every glyph becomes a path and " +
  "sharp rasterises the SVG. Mixed scripts — مرحبا بالعالم, 你好，世界 — fall back to Noto fonts. ";

function config(i: number) {
  return {
    title: `Issue #${i}: how we render Open Graph images in under 150 ms, warm 🚀`,
    body: BODY.repeat(2) + `Request ${i}.`,
    footer: `postcast.dev · ${i} min read · 👍🏽 🇫🇷`,
  };
}

/**
 * A template's cold first render (when it is the process's first) and warm p50/p95 over `runs`
 * renders of `configFor(1..runs)`, and the process's peak RSS. Images are refused: a bench of
 * a template with images passes its own `fetchImage`.
 */
export async function renderFigures(
  def: TemplateDefinition,
  configFor: (i: number) => unknown,
  runs: number,
  deps = { fetchImage: (): Promise<Buffer> => Promise.reject(new Error("no images in this template")) },
) {
  const rssBeforeMb = process.memoryUsage().rss / (1024 * 1024);
  const t0 = performance.now();
  await renderTemplate(def, resolveConfig(def, configFor(0)).values, undefined, deps);
  const cold = performance.now() - t0;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 1; i <= runs; i++) {
    const values = resolveConfig(def, configFor(i)).values;
    const started = performance.now();
    const out = await renderTemplate(def, values, undefined, deps);
    times.push(performance.now() - started);
    bytes = out.png.length;
  }
  times.sort((a, b) => a - b);
  return {
    cold,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    runs,
    bytes,
    rssBeforeMb,
    peakRssMb: peakRssMb(),
  };
}

/** Runs the measurement in a fresh process and prints its lines. */
export async function templateRenderSection(): Promise<void> {
  console.log("\n12. Template rendering (bench/template-render.ts, its own process): a text-heavy 1200×630 card");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", __filename], { stdio: ["ignore", "inherit", "inherit"] });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`template-render exited ${code}`))));
  });
}

async function main() {
  const f = await renderFigures(TEXT_HEAVY, config, 40);
  console.log(
    `   cold first render ${f.cold.toFixed(0)} ms; warm (${f.runs} renders) p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms (goal: under 150 ms); PNG ${Math.round(f.bytes / 1024)} KB; RSS ${f.rssBeforeMb.toFixed(0)} MB before the first render, peak ${f.peakRssMb.toFixed(0)} MB`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
