import express, { type Express } from "express";
import type { DepsProvider } from "./deps";
import { errorHandler, notFound } from "./middleware/error-handler";
import { jsonBody } from "./middleware/json-body";
import { requestContext } from "./middleware/request-context";
import { postsRoutes } from "./routes/posts-routes";

/** The public API. `index.ts` serves it as the `api` function; tests serve it through supertest. */
export function createApp(deps: DepsProvider): Express {
  const app = express();
  app.disable("x-powered-by");
  // Cloud Functions sits behind Google's front end; the client address is the first X-Forwarded-For.
  app.set("trust proxy", true);
  app.use(requestContext);
  app.use(jsonBody);
  app.use("/v1/posts", postsRoutes(deps));
  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}
