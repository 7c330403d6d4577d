import { emojiDataUri, emojiFile, looksLikeEmoji } from "../../../src/templates/emoji";

describe("Twemoji files for emoji graphemes", () => {
  it.each([
    ["🚀", "1f680.svg"],
    ["❤️", "2764.svg"], // FE0F dropped outside ZWJ sequences
    ["👍🏽", "1f44d-1f3fd.svg"], // skin tone
    ["👨‍👩‍👧", "1f468-200d-1f469-200d-1f467.svg"], // ZWJ family
    ["🏳️‍🌈", "1f3f3-fe0f-200d-1f308.svg"], // ZWJ sequence whose file keeps FE0F
    ["👩🏾‍💻", "1f469-1f3fe-200d-1f4bb.svg"], // skin tone inside a ZWJ sequence
    ["🇫🇷", "1f1eb-1f1f7.svg"], // flag: two regional indicators
    ["#️⃣", "23-20e3.svg"], // keycap
    ["©", "a9.svg"],
  ])("%s → %s", (grapheme, file) => {
    expect(emojiFile(grapheme)).toBe(file);
  });

  it("has no file for letters and digits", () => {
    expect(emojiFile("a")).toBeNull();
    expect(emojiFile("7")).toBeNull();
    expect(emojiFile("سلام")).toBeNull();
  });

  it("shows emoji presentation (default or FE0F) as emoji, FE0E and text-default symbols as text", () => {
    expect(looksLikeEmoji("🚀")).toBe(true);
    expect(looksLikeEmoji("❤️")).toBe(true);
    expect(looksLikeEmoji("❤")).toBe(false);
    expect(looksLikeEmoji("❤︎")).toBe(false);
    expect(looksLikeEmoji("©")).toBe(false);
    expect(looksLikeEmoji("A")).toBe(false);
  });

  it("embeds a file as an SVG data: URI (nothing for librsvg to fetch)", () => {
    const uri = emojiDataUri("1f680.svg");
    expect(uri.startsWith("data:image/svg+xml;base64,")).toBe(true);
    expect(Buffer.from(uri.split(",")[1] ?? "", "base64").toString()).toContain("<svg");
    // A name from elsewhere never leaves the package's folder.
    expect(() => emojiDataUri("../../../package.json")).toThrow();
  });
});
