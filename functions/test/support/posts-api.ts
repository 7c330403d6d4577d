import type { RequestListener } from "node:http";
import request from "supertest";

/** The /v1/posts routes as one key calls them, for the lifecycle tests (posts and drafts). */
export const postsApi = (app: RequestListener, key: string) => ({
  create: (b: unknown) =>
    request(app)
      .post("/v1/posts")
      .set("soku-api-key", key)
      .send(b as object),
  list: (query: Record<string, string | number> = {}) =>
    request(app).get("/v1/posts").query(query).set("soku-api-key", key),
  get: (id: string) => request(app).get(`/v1/posts/${id}`).set("soku-api-key", key),
  cancel: (id: string) => request(app).delete(`/v1/posts/${id}`).set("soku-api-key", key),
  patch: (id: string, b: unknown, ifMatch?: string) => {
    const r = request(app).patch(`/v1/posts/${id}`).set("soku-api-key", key);
    if (ifMatch !== undefined) r.set("If-Match", ifMatch);
    return r.send(b as object);
  },
  publishNow: (id: string) => request(app).post(`/v1/posts/${id}/publish-now`).set("soku-api-key", key),
  /** A draft's publish, with its body when given. */
  publish: (id: string, b?: unknown) => {
    const r = request(app).post(`/v1/posts/${id}/publish`).set("soku-api-key", key);
    return b === undefined ? r : r.send(b as object);
  },
  events: () => request(app).get("/v1/events").set("soku-api-key", key),
});
