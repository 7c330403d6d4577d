import { planTarget, type TargetInput } from "../../../src/domain/target-plan";
import { textLength, truncateToFit } from "../../../src/domain/text-length";
import type { Platform } from "../../../src/domain/platforms";

const IMG = "https://cdn.example.com/a.jpg";
const VID = "https://cdn.example.com/v.mp4";

function input(platform: Platform, over: Partial<TargetInput> = {}): TargetInput {
  return {
    platform,
    text: "hello",
    mediaType: "text",
    imageUrls: [],
    videoUrl: null,
    options: {},
    trialReel: false,
    ...over,
  };
}

const rules = (platform: Platform, over: Partial<TargetInput> = {}, strict = true) =>
  planTarget(input(platform, over), strict);

describe("text length units", () => {
  it("counts X text with URLs as 23 and emoji/CJK as 2", () => {
    expect(textLength("hi https://example.com/a/very/long/path/that/is/long", "x_weighted")).toBe(3 + 23);
    expect(textLength("😀", "x_weighted")).toBe(2);
    expect(textLength("日本", "x_weighted")).toBe(4);
  });
  it("counts Threads emoji as their UTF-8 bytes", () => {
    expect(textLength("a😀", "threads_chars")).toBe(1 + 4);
  });
  it("counts YouTube descriptions in bytes and TikTok in UTF-16 units", () => {
    expect(textLength("é", "utf8_bytes")).toBe(2);
    expect(textLength("😀", "utf16")).toBe(2);
    expect(textLength("😀", "code_points")).toBe(1);
  });
  it("truncates to fit with an ellipsis, never splitting a code point", () => {
    const text = "word ".repeat(100);
    const cut = truncateToFit(text, 50, "code_points");
    expect(textLength(cut, "code_points")).toBeLessThanOrEqual(50);
    expect(cut.endsWith("…")).toBe(true);
    const emoji = truncateToFit("😀".repeat(10), 5, "utf16");
    expect(emoji).toBe("😀😀…");
  });
});

describe("platform rules", () => {
  it("accepts what each platform takes", () => {
    expect(rules("x").violations).toEqual([]);
    expect(rules("instagram", { mediaType: "image", imageUrls: [IMG] }).violations).toEqual([]);
    expect(rules("youtube", { mediaType: "video", videoUrl: VID }).violations).toEqual([]);
  });

  it.each(["instagram", "tiktok", "youtube", "snapchat"] as Platform[])("refuses text-only posts on %s", (p) => {
    expect(rules(p).violations.map((v) => v.rule)).toContain("text_only_unsupported");
  });

  it("refuses images on YouTube and too many images elsewhere", () => {
    expect(rules("youtube", { mediaType: "image", imageUrls: [IMG] }).violations[0]?.rule).toBe(
      "media_type_unsupported",
    );
    const five = { mediaType: "image" as const, imageUrls: [1, 2, 3, 4, 5].map((i) => `${IMG}?${i}`) };
    expect(rules("x", five).violations[0]).toMatchObject({ rule: "too_many_images" });
    expect(rules("x", five).violations[0]?.message).toContain("at most 4");
  });

  it("drops extra images when not strict and records it", () => {
    const eleven = { mediaType: "image" as const, imageUrls: Array.from({ length: 11 }, (_, i) => `${IMG}?${i}`) };
    const plan = rules("instagram", eleven, false);
    expect(plan.violations).toEqual([]);
    expect(plan.content.imageUrls).toHaveLength(10);
    expect(plan.adjustments).toEqual([expect.objectContaining({ rule: "too_many_images" })]);
  });

  it("applies X's weighted limit: 140 CJK characters fill a post", () => {
    expect(rules("x", { text: "日".repeat(140) }).violations).toEqual([]);
    expect(rules("x", { text: "日".repeat(141) }).violations[0]?.rule).toBe("text_too_long");
    // A long URL counts as 23, so this fits although it has more than 280 characters.
    const withUrl = `${"a".repeat(250)} https://example.com/${"p".repeat(200)}`;
    expect(rules("x", { text: withUrl }).violations).toEqual([]);
  });

  it("truncates over-long text with an ellipsis when not strict", () => {
    const plan = rules("threads", { text: "x".repeat(600) }, false);
    expect(plan.violations).toEqual([]);
    expect(plan.content.text).toHaveLength(500);
    expect(plan.content.text?.endsWith("…")).toBe(true);
    expect(plan.adjustments[0]?.rule).toBe("text_too_long");
  });

  it("uses the text as YouTube title, refusing one over 100 characters or with < >", () => {
    const video = { mediaType: "video" as const, videoUrl: VID };
    expect(rules("youtube", { ...video, text: "My video" }).content).toMatchObject({
      title: "My video",
      text: "My video",
    });
    expect(rules("youtube", { ...video, text: "t".repeat(101) }).violations[0]?.rule).toBe("title_too_long");
    expect(rules("youtube", { ...video, text: "a <b>" }).violations.map((v) => v.rule)).toContain(
      "title_invalid_characters",
    );
    const titled = rules("youtube", { ...video, text: "t".repeat(300), options: { title: "Short" } });
    expect(titled.violations).toEqual([]);
    expect(titled.content).toMatchObject({ title: "Short", text: "t".repeat(300) });
    expect(rules("youtube", { ...video, text: null }).violations[0]?.rule).toBe("title_required");
  });

  it("limits Instagram hashtags and mentions", () => {
    const tags = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(" ");
    expect(rules("instagram", { mediaType: "image", imageUrls: [IMG], text: tags }).violations[0]?.rule).toBe(
      "too_many_hashtags",
    );
  });

  it("limits Threads to five distinct links, counting a link attachment", () => {
    const links = [1, 2, 3, 4, 5].map((i) => `https://e${i}.example.com`).join(" ");
    expect(rules("threads", { text: links }).violations).toEqual([]);
    expect(
      rules("threads", { text: links, options: { linkAttachment: "https://e6.example.com" } }).violations[0]?.rule,
    ).toBe("too_many_links");
  });

  it("chooses Snapchat's post type by media and keeps text off stories", () => {
    expect(rules("snapchat", { mediaType: "video", videoUrl: VID }).content.options.type).toBe("spotlight");
    const story = rules("snapchat", { mediaType: "image", imageUrls: [IMG] });
    expect(story.content.options.type).toBe("story");
    expect(story.violations[0]?.rule).toBe("text_not_supported");
    const lenient = rules("snapchat", { mediaType: "image", imageUrls: [IMG] }, false);
    expect(lenient.content.text).toBeNull();
    expect(lenient.adjustments[0]?.rule).toBe("text_not_supported");
    expect(
      rules("snapchat", { mediaType: "image", imageUrls: [IMG], options: { type: "spotlight" } }).violations[0]?.rule,
    ).toBe("spotlight_requires_video");
  });

  it("gives a TikTok photo post a 4,000-character description", () => {
    const photo = { mediaType: "image" as const, imageUrls: [IMG], text: "d".repeat(3000) };
    expect(rules("tiktok", photo).violations).toEqual([]);
    expect(rules("tiktok", { mediaType: "video", videoUrl: VID, text: "d".repeat(3000) }).violations[0]?.rule).toBe(
      "text_too_long",
    );
  });

  it("applies Instagram's trial reel to videos only", () => {
    expect(rules("instagram", { mediaType: "video", videoUrl: VID, trialReel: true }).content.options.trialReel).toBe(
      true,
    );
    expect(
      rules("instagram", { mediaType: "image", imageUrls: [IMG], trialReel: true }).content.options.trialReel,
    ).toBe(false);
    expect(
      rules("instagram", { mediaType: "image", imageUrls: [IMG], options: { trialReel: true } }).violations[0]?.rule,
    ).toBe("trial_reel_requires_video");
  });
});
