import { mediaViolations } from "./media-checks";
import type { FieldIssue } from "./errors";
import type {
  KnownMedia,
  MediaType,
  NormalizedPostRequest,
  RequestedTarget,
  RuleFinding,
  TargetContent,
  TargetPlan,
} from "./post-model";
import type { PlatformOptionsMap } from "./platform-options";
import {
  PLATFORM_RULES,
  SNAPCHAT_SAVED_STORY_TITLE_RULE,
  TIKTOK_PHOTO_DESCRIPTION_RULE,
  YOUTUBE_DESCRIPTION_RULE,
  YOUTUBE_TAGS_MAX_CHARS,
  type TextRule,
} from "./platform-rules";
import type { Platform } from "./platforms";
import { textLength, truncateToFit } from "./text-length";

/** One target's content before platform rules: the post's content with the target's overrides. */
export interface TargetInput {
  platform: Platform;
  text: string | null;
  mediaType: MediaType;
  imageUrls: readonly string[];
  videoUrl: string | null;
  options: Record<string, unknown>;
  /** The request's top-level `trial_reel` (Instagram videos). */
  trialReel: boolean;
  /** What Postcast probed of the media it stores, by URL (other URLs are the platform's to check). */
  known?: ReadonlyMap<string, KnownMedia>;
}

const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu;
const MENTION = /(?:^|[^\p{L}\p{N}_.])@[A-Za-z0-9_.]+/gu;
const CASHTAG = /(?:^|\s)\$[A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?\b/g;
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;

/** A requested target's input: the post's content with the target's own text and options. */
export function targetInput(request: NormalizedPostRequest, target: RequestedTarget): TargetInput {
  const c = request.post.content;
  return {
    platform: target.platform,
    text: target.text ?? c.text,
    mediaType: c.mediaType,
    imageUrls: c.imageUrls,
    videoUrl: c.videoUrl,
    options: target.options ?? {},
    trialReel: request.trial_reel,
  };
}

/** Every target's plan, in the order of `post.content.platform`. */
export function planRequest(request: NormalizedPostRequest, known?: ReadonlyMap<string, KnownMedia>): TargetPlan[] {
  const strict = request.strict !== false;
  return request.post.content.platform.map((t) => planTarget({ ...targetInput(request, t), known }, strict));
}

/** The violations as validation issues naming the target (its index and platform) and the rule. */
export function planIssues(plans: readonly TargetPlan[]): FieldIssue[] {
  return plans.flatMap((plan, i) =>
    plan.violations.map((v) => ({
      field: `post.content.platform[${i}]`,
      reason: v.rule,
      message: v.message,
      platform: plan.content.platform,
    })),
  );
}

/** Builds what this platform would be sent, checking (or, when not strict, adjusting) its rules. */
export function planTarget(input: TargetInput, strict: boolean): TargetPlan {
  const plan = new Planner(input, strict);
  plan.checkMediaKind();
  plan.fitImages();
  plan.fitTexts();
  plan.checkCounts();
  plan.checkOptions();
  plan.checkKnownMedia();
  return plan.result();
}

class Planner {
  private readonly rules;
  private readonly content: TargetContent;
  private readonly adjustments: RuleFinding[] = [];
  private readonly violations: RuleFinding[] = [];

  constructor(
    private readonly input: TargetInput,
    private readonly strict: boolean,
  ) {
    this.rules = PLATFORM_RULES[input.platform];
    this.content = {
      platform: input.platform,
      text: input.text,
      title: null,
      mediaType: input.mediaType,
      imageUrls: [...input.imageUrls],
      videoUrl: input.videoUrl,
      options: { ...input.options },
    };
  }

  result(): TargetPlan {
    return { content: this.content, adjustments: this.adjustments, violations: this.violations };
  }

  private get name(): string {
    return this.input.platform;
  }

  checkMediaKind(): void {
    const { mediaType } = this.content;
    if (mediaType === "text" && !this.rules.textOnly) {
      this.violate("text_only_unsupported", `${this.name} does not accept text-only posts; add an image or a video.`);
    } else if (mediaType === "image" && this.rules.maxImages === 0) {
      this.violate("media_type_unsupported", `${this.name} does not accept image posts; it takes a video.`);
    } else if (mediaType === "video" && !this.rules.video) {
      this.violate("media_type_unsupported", `${this.name} does not accept video posts.`);
    }
    if (mediaType === "text" && (this.content.text ?? "").trim() === "") {
      this.violate("text_required", `A text post to ${this.name} needs non-empty text.`);
    }
  }

  fitImages(): void {
    const max = this.rules.maxImages;
    const count = this.content.imageUrls.length;
    if (this.content.mediaType !== "image" || max === 0 || count <= max) return;
    if (this.strict) {
      this.violate("too_many_images", `${this.name} takes at most ${max} images per post; ${count} were given.`);
      return;
    }
    this.content.imageUrls = this.content.imageUrls.slice(0, max);
    this.adjust("too_many_images", `Kept the first ${max} of ${count} images (${this.name}'s limit).`);
  }

  fitTexts(): void {
    switch (this.input.platform) {
      case "youtube":
        return this.fitYoutube();
      case "tiktok":
        return this.fitTiktok();
      case "snapchat":
        return this.fitSnapchat();
      default:
        this.content.text = this.fit(this.content.text, this.rules.text, "text");
    }
  }

  private fitYoutube(): void {
    const options = this.input.options as PlatformOptionsMap["youtube"];
    const title = this.stripForbidden(options.title ?? this.content.text ?? "", "title");
    if (title.trim() === "") {
      this.violate("title_required", "A YouTube video needs a title: send text or options.title.");
    }
    this.content.title = this.fit(title, this.rules.text, "title");
    const description = this.stripForbidden(options.description ?? this.content.text ?? "", "description");
    this.content.text = this.fit(description, YOUTUBE_DESCRIPTION_RULE, "description");
    const tagChars = (options.tags ?? []).reduce((n, t) => n + t.length + (t.includes(" ") ? 2 : 0) + 1, -1);
    if (tagChars > YOUTUBE_TAGS_MAX_CHARS) {
      this.violate(
        "tags_too_long",
        `YouTube tags may total ${YOUTUBE_TAGS_MAX_CHARS} characters; these have ${tagChars}.`,
      );
    }
  }

  private fitTiktok(): void {
    const photo = this.content.mediaType === "image";
    this.content.title = photo ? ((this.input.options as PlatformOptionsMap["tiktok"]).title ?? null) : null;
    this.content.text = this.fit(this.content.text, photo ? TIKTOK_PHOTO_DESCRIPTION_RULE : this.rules.text, "text");
  }

  private fitSnapchat(): void {
    const options = this.input.options as PlatformOptionsMap["snapchat"];
    const video = this.content.mediaType === "video";
    const type = options.type ?? (video ? "spotlight" : "story");
    this.content.options.type = type;
    if (type === "spotlight") {
      if (!video) this.violate("spotlight_requires_video", "Snapchat Spotlight takes a video only.");
      this.content.text = this.fit(this.content.text, this.rules.text, "text");
    } else if (type === "saved_story") {
      const title = options.title ?? this.content.text;
      if (!title) this.violate("title_required", "A Snapchat saved story needs a title: send text or options.title.");
      this.content.title = this.fit(title ?? null, SNAPCHAT_SAVED_STORY_TITLE_RULE, "title");
      this.content.text = null;
    } else if (this.content.text) {
      if (this.strict) {
        this.violate(
          "text_not_supported",
          'Snapchat stories carry no text; give this target text "", choose type spotlight or saved_story, or send strict: false.',
        );
      } else {
        this.content.text = null;
        this.adjust("text_not_supported", "Left the text out: Snapchat stories carry no text.");
      }
    }
  }

  /** Fits `text` to `rule`, truncating with an ellipsis when not strict. */
  private fit(text: string | null, rule: TextRule, what: string): string | null {
    if (text === null) return null;
    const length = textLength(text, rule.unit);
    if (length <= rule.max) return text;
    const message = `${this.name} allows ${rule.max} ${unitName(rule)} in the ${what}; this has ${length}.`;
    if (this.strict) {
      this.violate(`${what}_too_long`, message);
      return text;
    }
    this.adjust(`${what}_too_long`, `${message} Truncated with an ellipsis.`);
    return truncateToFit(text, rule.max, rule.unit);
  }

  private stripForbidden(text: string, what: string): string {
    const forbidden = this.rules.forbiddenChars;
    if (!forbidden || ![...forbidden].some((c) => text.includes(c))) return text;
    const list = [...forbidden].join(" ");
    if (this.strict) {
      this.violate(`${what}_invalid_characters`, `${this.name} does not allow ${list} in the ${what}.`);
      return text;
    }
    this.adjust(`${what}_invalid_characters`, `Removed ${list} from the ${what} (${this.name} does not allow them).`);
    return [...text].filter((c) => !forbidden.includes(c)).join("");
  }

  checkCounts(): void {
    const text = this.content.text ?? "";
    const count = (re: RegExp) => (text.match(re) ?? []).length;
    const limit = (max: number | undefined, n: number, rule: string, what: string) => {
      if (max !== undefined && n > max)
        this.violate(rule, `${this.name} allows at most ${max} ${what}; this has ${n}.`);
    };
    limit(this.rules.maxHashtags, count(HASHTAG), "too_many_hashtags", "hashtags");
    limit(this.rules.maxMentions, count(MENTION), "too_many_mentions", "@mentions");
    limit(this.rules.maxCashtags, count(CASHTAG), "too_many_cashtags", "cashtags");
    const links = new Set(text.match(LINK) ?? []);
    const attachment = this.content.options.linkAttachment;
    if (typeof attachment === "string") links.add(attachment);
    limit(this.rules.maxLinks, links.size, "too_many_links", "distinct links");
  }

  checkOptions(): void {
    if (this.input.platform !== "instagram") return;
    const options = this.content.options as PlatformOptionsMap["instagram"];
    const trialReel = options.trialReel ?? (this.input.trialReel && this.content.mediaType === "video");
    if (trialReel && this.content.mediaType !== "video") {
      this.violate("trial_reel_requires_video", "An Instagram trial reel needs a video.");
    }
    this.content.options.trialReel = trialReel;
  }

  /** Format, size, duration and aspect of the media Postcast has probed (its own copies). */
  checkKnownMedia(): void {
    const known = this.input.known;
    if (!known) return;
    const media = [
      ...this.content.imageUrls.map((url, i) => ({ url, where: `image ${i + 1}` })),
      ...(this.content.videoUrl ? [{ url: this.content.videoUrl, where: "the video" }] : []),
    ];
    for (const { url, where } of media) {
      const facts = known.get(url);
      if (facts) this.violations.push(...mediaViolations(this.name, this.rules.media, facts, where));
    }
  }

  private violate(rule: string, message: string): void {
    this.violations.push({ rule, message });
  }

  private adjust(rule: string, message: string): void {
    this.adjustments.push({ rule, message });
  }
}

function unitName(rule: TextRule): string {
  switch (rule.unit) {
    case "x_weighted":
      return "weighted characters (URLs count 23, emoji and CJK 2)";
    case "threads_chars":
      return "characters (emoji count as their UTF-8 bytes)";
    case "utf16":
      return "UTF-16 characters";
    case "utf8_bytes":
      return "bytes";
    case "code_points":
      return "characters";
  }
}
