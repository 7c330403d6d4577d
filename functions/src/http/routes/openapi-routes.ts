import { Router } from "express";

/**
 * GET /v1/openapi.json: the API's OpenAPI 3.1 document, for anyone (no credentials; public and
 * cacheable). Built from the zod schemas on the first request only, so no other request's cold
 * start pays for it; `npm run openapi` writes the same document to the repository's openapi.json.
 */
export function openApiRoutes(): Router {
  const router = Router();
  let document: unknown = null;
  router.get("/openapi.json", async (_req, res) => {
    document ??= (await import("../openapi/document")).openApiDocument();
    res.setHeader("Cache-Control", "public, max-age=300");
    res.status(200).json(document);
  });
  return router;
}
