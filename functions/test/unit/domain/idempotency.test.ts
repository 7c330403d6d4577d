import { canonicalJson, sha256Hex } from "../../../src/domain/canonical-json";
import { AppError } from "../../../src/domain/errors";
import { idempotencyIdentity } from "../../../src/domain/idempotency";

describe("idempotency identity", () => {
  const body = { post: { content: { text: "a", platform: ["x", "threads"] } } };
  const reordered = { post: { content: { platform: ["x", "threads"], text: "a" } } };

  it("ignores key order but not array order", () => {
    expect(canonicalJson(body)).toBe(canonicalJson(reordered));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it("derives the same record for the same user and body, and a different one per user or mode", () => {
    const a = idempotencyIdentity("u1", "test", undefined, body);
    expect(idempotencyIdentity("u1", "test", undefined, reordered)).toEqual(a);
    expect(idempotencyIdentity("u2", "test", undefined, body).recordId).not.toBe(a.recordId);
    expect(idempotencyIdentity("u1", "live", undefined, body).recordId).not.toBe(a.recordId);
  });

  it("scopes a header key to the user and fingerprints the body", () => {
    const a = idempotencyIdentity("u1", "test", "key-1", body);
    const b = idempotencyIdentity("u1", "test", "key-1", { ...body, scheduledTime: null });
    expect(b.recordId).toBe(a.recordId);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(idempotencyIdentity("u2", "test", "key-1", body).recordId).not.toBe(a.recordId);
  });

  it("scopes a header key to the mode: a test and a live request with the same key are two requests", () => {
    const test = idempotencyIdentity("u1", "test", "key-1", body);
    const live = idempotencyIdentity("u1", "live", "key-1", body);
    expect(live.recordId).not.toBe(test.recordId);
    expect(live.fingerprint).not.toBe(test.fingerprint);
    // A live key keeps the record id it had before modes were scoped: a retry sent across the
    // upgrade still finds its first request.
    expect(live.recordId).toBe(`h_${sha256Hex("u1\nkey-1")}`);
  });

  it("refuses keys that are empty, too long or not printable ASCII", () => {
    for (const key of ["", "x".repeat(256), "caf\u00e9", "a\nb"]) {
      expect(() => idempotencyIdentity("u1", "test", key, body)).toThrow(AppError);
    }
    expect(() => idempotencyIdentity("u1", "test", "x".repeat(255), body)).not.toThrow();
  });
});
