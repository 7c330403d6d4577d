import { readFile } from "node:fs/promises";
import path from "node:path";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { AppError } from "../../domain/errors";

/**
 * Where `npm run reference` writes the reference for the api (in lib/, built with the code). This
 * file runs from src/http/routes under the tests and lib/http/routes when deployed: both are three
 * levels below functions/.
 */
export const REFERENCE_DIR = path.join(__dirname, "..", "..", "..", "lib", "reference");

const CACHE = "public, max-age=300";

/**
 * What the page needs and nothing more: its own script, stylesheets and document from this origin
 * (Swagger UI's icons are data: images in its stylesheet), no inline script, no frames, no forms.
 */
export const REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * GET /docs: the browsable API reference (Swagger UI over openapi.json), public and cacheable like
 * the document itself; its files under /docs/. Other methods fall through to the 404 of any
 * unknown route.
 */
export function docsRoutes(dir: string = REFERENCE_DIR): Router {
  const router = Router();
  let page: Promise<string> | null = null;
  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", REFERENCE_CSP);
    next();
  });
  router.get("/", async (req: Request, res: Response, next: NextFunction) => {
    page ??= readFile(path.join(dir, "index.html"), "utf8");
    const html = await page.catch(() => {
      page = null;
      return null;
    });
    if (html === null) return next(new AppError("not_found", "The API reference is not built: npm run reference."));
    // The page's files are beside it under /docs/. Asked for as /docs, relative URLs would resolve
    // beside /docs instead, so a base names the directory: relative to the page, so it holds under
    // whatever path prefix the API is served at.
    const atDirectory = (req.originalUrl.split("?")[0] ?? "").endsWith("/");
    res.setHeader("Cache-Control", CACHE);
    res
      .status(200)
      .type("html")
      .send(atDirectory ? html : html.replace("<head>", '<head>\n    <base href="docs/" />'));
  });
  router.use(
    express.static(dir, {
      index: false,
      redirect: false,
      dotfiles: "ignore",
      // Replacing the no-store every answer starts with (serve-static's own would keep it).
      cacheControl: false,
      setHeaders: (res) => res.setHeader("Cache-Control", CACHE),
    }),
  );
  return router;
}
