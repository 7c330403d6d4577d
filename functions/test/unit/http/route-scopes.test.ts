import { routeScope, scopedRouter } from "../../../src/http/route-scopes";

describe("ROUTE_SCOPES", () => {
  it("finds a route's scope from Express's form of its path", () => {
    expect(routeScope("get", "/v1/posts", "/:id")).toEqual({ scope: "posts:read" });
    expect(routeScope("POST", "/v1/posts", "/")).toEqual({ scope: "posts:write", publishUnlessDraft: true });
    expect(routeScope("post", "/v1/posts", "/:id/publish")).toEqual({ scope: "posts:publish" });
  });

  it("refuses to declare a route the table does not list, so none is ever served unscoped", () => {
    const posts = scopedRouter("/v1/posts");
    const handler = () => undefined;
    expect(() => posts.post("/:id/archive", handler)).toThrow(
      "POST /v1/posts/{id}/archive has no entry in ROUTE_SCOPES (http/route-scopes.ts)",
    );
    // The method counts: a listed path under another method is not listed.
    expect(() => scopedRouter("/v1/accounts").delete("/", handler)).toThrow(/DELETE \/v1\/accounts has no entry/);
    expect(() => posts.get("/:id", handler)).not.toThrow();
  });
});
