import { randomBytes } from "node:crypto";
import { derivedKeyId, generateApiKey, hashApiKey, keyModeOf } from "../../../src/domain/api-key";

describe("API key format", () => {
  it("reads the mode of Postcast's keys and of Soku's shorter ones (24 random bytes)", () => {
    expect(keyModeOf(generateApiKey("live"))).toBe("live");
    expect(keyModeOf(generateApiKey("test"))).toBe("test");
    expect(keyModeOf(`sk_live_${randomBytes(24).toString("base64url")}`)).toBe("live");
    expect(keyModeOf("sk_live_f7e8d9c0b3c4d5e6a7b8c9d0e1f23456")).toBe("live"); // Soku's documented example
    expect(keyModeOf(`sk_test_${"a".repeat(31)}`)).toBeNull();
    expect(keyModeOf(`sk_prod_${"a".repeat(43)}`)).toBeNull();
    expect(keyModeOf(`sk_live_${"a".repeat(40)}!`)).toBeNull();
  });
});

describe("derivedKeyId: the public id of a key whose document has none", () => {
  it("is stable, shaped like an issued id, distinct per key, and reveals nothing of the hash", () => {
    const hash = hashApiKey(generateApiKey("live"));
    const id = derivedKeyId(hash);
    expect(id).toMatch(/^key_[A-Za-z0-9_-]{16}$/);
    expect(derivedKeyId(hash)).toBe(id);
    expect(derivedKeyId(hashApiKey(generateApiKey("live")))).not.toBe(id);
    const secretPart = id.slice(4);
    expect(hash).not.toContain(secretPart);
    expect(Buffer.from(hash, "hex").toString("base64url")).not.toContain(secretPart);
  });
});
