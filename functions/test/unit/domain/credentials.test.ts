import { randomBytes } from "node:crypto";
import { parseKeyring, seal, unseal, type Credentials } from "../../../src/domain/credentials";

const key = () => randomBytes(32).toString("base64");
const creds: Credentials = {
  accessToken: "access-SECRET",
  refreshToken: "refresh-SECRET",
  expiresAt: null,
  refreshTokenExpiresAt: null,
  issuedAt: null,
  scope: null,
  extra: { pageId: "123" },
};

describe("credential sealing (AES-256-GCM)", () => {
  it("round-trips, and the sealed form holds no token", () => {
    const ring = parseKeyring(`k1:${key()}`);
    const sealed = seal(creds, ring, "u/x/a");
    expect(JSON.stringify(sealed)).not.toContain("SECRET");
    expect(unseal(sealed, ring, "u/x/a")).toEqual(creds);
  });

  it("refuses a ciphertext moved to another account or tampered with", () => {
    const ring = parseKeyring(`k1:${key()}`);
    const sealed = seal(creds, ring, "u/x/a");
    expect(() => unseal(sealed, ring, "u/x/b")).toThrow();
    const flipped = Buffer.from(sealed.ciphertext, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => unseal({ ...sealed, ciphertext: flipped.toString("base64") }, ring, "u/x/a")).toThrow();
  });

  it("rotates: a new current key encrypts, old keys still decrypt", () => {
    const oldKey = key();
    const before = seal(creds, parseKeyring(`k1:${oldKey}`), "u/x/a");
    const rotated = parseKeyring(`k2:${key()},k1:${oldKey}`);
    expect(unseal(before, rotated, "u/x/a")).toEqual(creds);
    expect(seal(creds, rotated, "u/x/a").keyId).toBe("k2");
    expect(() => unseal(before, parseKeyring(`k2:${key()}`), "u/x/a")).toThrow(/k1/);
  });

  it("rejects malformed keys", () => {
    expect(() => parseKeyring("k1:short")).toThrow();
    expect(() => parseKeyring("")).toThrow();
    expect(() => parseKeyring(key())).toThrow();
  });
});
