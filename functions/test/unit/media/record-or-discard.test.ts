import { recordOrDiscard, type IngestedMedia } from "../../../src/media/ingest";

const ingested = { path: "users/u/media/m/f.jpg" } as IngestedMedia;

describe("recordOrDiscard", () => {
  it("keeps the stored file when the record is written", async () => {
    const discarded: string[] = [];
    const result = await recordOrDiscard(
      ingested,
      (p) => Promise.resolve(void discarded.push(p)),
      () => Promise.resolve("ok"),
    );
    expect(result).toBe("ok");
    expect(discarded).toEqual([]);
  });

  it("deletes the stored file when the record cannot be written, and still reports the failure", async () => {
    const discarded: string[] = [];
    await expect(
      recordOrDiscard(
        ingested,
        (p) => Promise.resolve(void discarded.push(p)),
        () => Promise.reject(new Error("ALREADY_EXISTS")),
      ),
    ).rejects.toThrow("ALREADY_EXISTS");
    expect(discarded).toEqual([ingested.path]);
  });
});
