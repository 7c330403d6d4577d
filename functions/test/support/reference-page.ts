import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * The browsable reference (/docs) in headless Chromium: Debian's `chromium` package, driven by
 * playwright-core (which downloads no browser of its own).
 */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser tests can run here, and when not, why in words. */
export function chromiumHere(): { found: true } | { found: false; missing: string } {
  return existsSync(CHROMIUM)
    ? { found: true }
    : { found: false, missing: `no ${CHROMIUM} (Debian: apt-get install --no-install-recommends chromium)` };
}

/**
 * `describe` when Chromium is here. Otherwise the tests are skipped with a line saying why, or,
 * under CI=true (where .ci/run installs it), a test fails in their place.
 */
export function describeInChromium(what: string): jest.Describe {
  const here = chromiumHere();
  if (here.found) return describe;
  if (process.env.CI === "true") {
    it(`runs ${what} in Chromium (CI=true)`, () => {
      throw new Error(`Cannot run ${what} in Chromium: ${here.missing}`);
    });
  } else {
    // Past jest's --silent (npm test's), which swallows console output; as the Google-emulator run says it.
    process.stderr.write(`Skipped ${what} in Chromium: ${here.missing}; with CI=true this fails\n`);
  }
  return describe.skip;
}

/**
 * A fresh headless Chromium. playwright-core adds --headless and a fresh temporary --user-data-dir
 * (removed on close); the rest keeps it from reaching anything but the page's server.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface Rendered {
  /** `METHOD /path` of every operation the page shows. */
  operations: string[];
  /** Everything the page requested, by URL. */
  requests: string[];
  /** Console errors, uncaught exceptions and Content-Security-Policy violations. */
  problems: string[];
}

export interface OpenApiPaths {
  paths: Record<string, Record<string, unknown>>;
}

/** `METHOD /path` of every operation an OpenAPI document describes. */
export function documentOperations(doc: OpenApiPaths): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/**
 * Loads the reference at `url` in a new page, waits until Swagger UI has rendered the document,
 * opens any tag it shows closed, and reads the operations from the DOM.
 */
export async function renderReference(
  browser: Browser,
  url: string,
  prepare: (page: Page) => Promise<unknown> = () => Promise.resolve(),
): Promise<Rendered> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
  // Injected by the browser's debugging protocol: the page's own CSP does not apply to it.
  await page.addInitScript(
    'document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));',
  );
  await prepare(page);
  try {
    const answer = await page.goto(url);
    if (answer?.status() !== 200) throw new Error(`${url} answered ${answer?.status()}`);
    // The title is drawn from the document once it is loaded and parsed; a document that cannot be
    // loaded shows Swagger UI's error box instead.
    await page.waitForSelector(".swagger-ui .info .title, .swagger-ui .errors-wrapper", { timeout: 30_000 });
    const error = await page.$(".swagger-ui .errors-wrapper");
    if (error) throw new Error(`Swagger UI could not render the document: ${await error.innerText()}`);
    for (const closed of await page.$$('.opblock-tag[data-is-open="false"]')) await closed.click();
    const operations = await page.$$eval(".opblock", (blocks) =>
      blocks.map(
        (b) =>
          `${b.querySelector(".opblock-summary-method")?.textContent?.trim() ?? "?"} ${
            b.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "?"
          }`,
      ),
    );
    return { operations: [...new Set(operations)].sort(), requests, problems };
  } finally {
    await page.close();
  }
}

/** How a rendered reference falls short of its document; every list empty when it does not. */
export interface Findings {
  /** Operations of the document the page does not show. */
  missing: string[];
  /** Operations the page shows that the document does not have. */
  unexpected: string[];
  /** Requests outside the page's directory (a CDN, the API's other routes). */
  elsewhere: string[];
  problems: string[];
}

export const NO_FINDINGS: Findings = { missing: [], unexpected: [], elsewhere: [], problems: [] };

/** Renders the reference at `url` and compares it with `doc`; `dir` is the URL its files are under. */
export async function checkReference(
  browser: Browser,
  url: string,
  doc: OpenApiPaths,
  options: { dir: string; prepare?: (page: Page) => Promise<unknown> },
): Promise<Findings> {
  const rendered = await renderReference(browser, url, options.prepare);
  const expected = documentOperations(doc);
  return {
    missing: expected.filter((op) => !rendered.operations.includes(op)),
    unexpected: rendered.operations.filter((op) => !expected.includes(op)),
    elsewhere: rendered.requests.filter((r) => r !== url && !r.startsWith(options.dir)),
    problems: rendered.problems,
  };
}
