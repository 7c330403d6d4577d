import { Readable } from "node:stream";
import { MediaRefusal } from "../../../src/domain/media-refusal";
import { readAll } from "../../../src/media/read-all";

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe("readAll", () => {
  it.each([
    ["unknown", null],
    ["announced", 9],
    ["announced too small", 4],
    ["announced too large", 20],
  ])("reads every byte, the size %s", async (_what, expected) => {
    expect((await readAll(chunks("abc", "def", "ghi"), 100, expected)).toString()).toBe("abcdefghi");
  });

  it("refuses more than the limit as too_large, and stops reading", async () => {
    const source = chunks("abc", "def", "ghi");
    const error = await readAll(source, 5, 9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRefusal);
    expect(error).toMatchObject({ reason: "too_large", details: { limitBytes: 5 } });
    expect(source.destroyed).toBe(true);
  });

  it("rejects with the source's error instead of leaving it unhandled", async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error("disk gone"));
      },
    });
    await expect(readAll(source, 100)).rejects.toThrow("disk gone");
  });
});
