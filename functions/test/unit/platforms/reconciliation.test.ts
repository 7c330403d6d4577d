import type { PublishContext } from "../../../src/platforms/platform-adapter";
import {
  COMMIT_MARK_SKEW_MS,
  createdSince,
  earliestCreation,
  platformTime,
  sameText,
  settle,
} from "../../../src/platforms/reconciliation";

const published = (id: string) => ({ kind: "published" as const, platformPostId: id, permalink: null });

describe("reconciliation rules", () => {
  it("dates the earliest post an attempt can have made at its commit mark less the skew allowance", () => {
    const mark = new Date("2026-03-02T09:00:00.000Z");
    expect(earliestCreation({ commitMark: mark } as PublishContext)).toEqual(
      new Date(mark.getTime() - COMMIT_MARK_SKEW_MS),
    );
    expect(earliestCreation({ commitMark: null } as PublishContext)).toBeNull();
  });

  it("reads the platforms' dates (ISO, Meta's +0000, epoch ms) and never counts an undated post", () => {
    const earliest = new Date("2026-03-02T08:58:00.000Z");
    expect(platformTime("2026-03-02T08:58:00+0000")).toBe(earliest.getTime());
    expect(createdSince("2026-03-02T08:58:00+0000", earliest)).toBe(true);
    expect(createdSince("2026-03-02T08:57:59.999Z", earliest)).toBe(false);
    expect(createdSince(earliest.getTime() + 1, earliest)).toBe(true);
    expect(createdSince(undefined, earliest)).toBe(false);
    expect(createdSince("yesterday", earliest)).toBe(false);
  });

  it("compares texts with their links: posts that differ only in a link are different", () => {
    expect(sameText("Read https://news.example/one", "Read https://news.example/two")).toBe(false);
    expect(sameText("  Caf\u0065\u0301 https://x.example \n", "Café https://x.example")).toBe(true);
    expect(sameText("a  b", "a b")).toBe(false);
  });

  it("settles on one match only: none is not published, several cannot be told apart", () => {
    expect(settle("X", [published("1")])).toEqual(published("1"));
    expect(settle("X", [])).toEqual({ kind: "not_published" });
    expect(settle("X", [published("1"), published("2")])).toMatchObject({ kind: "undecidable" });
  });
});
