import { createHash } from "node:crypto";
import { isAllowedReturnTo, newOAuthState, newPkcePair, newRedemptionCode, returnUrl } from "../../../src/domain/oauth";

describe("returnTo allowlist", () => {
  const allow = ["https://app.example.com/settings/", "http://localhost:3000/"];
  it.each([
    ["https://app.example.com/settings/accounts", true],
    ["https://app.example.com/settings/", true],
    ["https://app.example.com/settings", false],
    ["http://localhost:3000/anything?x=1", true],
    ["https://app.example.com/other", false],
    ["https://app.example.com.evil.io/settings/", false],
    ["https://user:pass@app.example.com/settings/", false],
    ["http://app.example.com/settings/", false],
    ["javascript:alert(1)", false],
    ["//app.example.com/settings/", false],
    ["not a url", false],
  ])("%s → %s", (url, allowed) => {
    expect(isAllowedReturnTo(url, allow)).toBe(allowed);
  });
  it("allows nothing when nothing is configured", () => {
    expect(isAllowedReturnTo("https://app.example.com/settings/", [])).toBe(false);
  });
});

describe("state and PKCE", () => {
  it("states are long, URL-safe and distinct", () => {
    const a = newOAuthState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newOAuthState()).not.toBe(a);
  });
  it("redemption codes are long, URL-safe and distinct", () => {
    const a = newRedemptionCode();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRedemptionCode()).not.toBe(a);
  });
  it("the challenge is the S256 of the verifier (RFC 7636)", () => {
    const { verifier, challenge } = newPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
  });
});

describe("return URL", () => {
  it("keeps the caller's query and adds the outcome", () => {
    const url = new URL(
      returnUrl("https://app.example.com/settings/?tab=accounts", {
        status: "error",
        platform: "x",
        error: "access_denied",
        description: "The user said no & left",
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tab: "accounts",
      platform: "x",
      status: "error",
      error: "access_denied",
      error_description: "The user said no & left",
    });
  });
  it("hands back a code to redeem, never a connected account", () => {
    const url = new URL(
      returnUrl("https://app.example.com/settings/", { status: "pending", platform: "x", code: "c0de" }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({ platform: "x", status: "pending", code: "c0de" });
  });
});
