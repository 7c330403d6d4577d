import type { FakeOptions } from "../kit/fake-platform";
import { FakeContainerPlatform } from "./fake-container-platform";
import { META_DENIAL } from "./fake-graph";

const TYPES = ["TEXT", "IMAGE", "VIDEO", "CAROUSEL"];
const SCOPES = [
  "threads_basic",
  "threads_content_publish",
  "threads_manage_replies",
  "threads_read_replies",
  "threads_manage_insights",
  "threads_manage_mentions",
  "threads_keyword_search",
  "threads_delete",
  "threads_location_tagging",
  "threads_profile_discovery",
];

/**
 * The Threads API: TEXT/IMAGE/VIDEO/CAROUSEL containers (2–20 items), 500 characters, 250 posts a
 * day; its OAuth answers the code exchange with a flat `{access_token, user_id}`.
 */
export class FakeThreads extends FakeContainerPlatform {
  constructor(options: FakeOptions = {}) {
    super(
      "threads",
      {
        version: "v1.0",
        createEdge: "threads",
        publishEdge: "threads_publish",
        quotaEdge: "threads_publishing_limit",
        refreshGrantType: "th_refresh_token",
        exchangeGrantType: "th_exchange_token",
        authorize: { scopeDelimiter: /,/, scopes: SCOPES, denial: META_DENIAL },
        codeBody: (grant) => ({ access_token: grant.accessToken, user_id: grant.accountId }),
        profileBody: (p) => ({
          id: p.accountId,
          username: p.username,
          name: p.displayName,
          threads_profile_picture_url: p.avatarUrl,
          threads_biography: "",
        }),
        textField: "text",
        maxChildren: 20,
        quota: 250,
        permalinkBase: "https://www.threads.net/t",
        fetchError: "FAILED_DOWNLOADING_VIDEO",
        validate: (p) => {
          const type = p.media_type ?? "";
          if (!TYPES.includes(type)) return { error: "Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}" };
          if (p.text && Buffer.byteLength(p.text, "utf8") > 500 && [...p.text].length > 500) {
            return { error: "Param text must be at most 500 characters long." };
          }
          if (type === "TEXT" && !p.text) return { error: "Param text is required for TEXT posts." };
          if (p.link_attachment && type !== "TEXT")
            return { error: "link_attachment is only supported on TEXT posts." };
          if (type === "IMAGE" && !p.image_url) return { error: "Param image_url is required." };
          if (type === "VIDEO" && !p.video_url) return { error: "Param video_url is required." };
          return { url: p.image_url ?? p.video_url ?? null };
        },
        statusBody: (c) => ({ status: c.state, ...(c.error ? { error_message: c.error } : {}) }),
        listedType: (type) => ({
          media_product_type: "THREADS",
          media_type: type === "TEXT" ? "TEXT_POST" : type === "CAROUSEL" ? "CAROUSEL_ALBUM" : (type ?? "TEXT_POST"),
        }),
      },
      options,
    );
    // Meta: "about 30 seconds on average" before a container can be published.
    this.realisticProcessingMs = 30_000;
  }
}
