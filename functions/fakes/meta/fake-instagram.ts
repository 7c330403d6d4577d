import type { FakeOptions } from "../kit/fake-platform";
import type { FakeProfile } from "../kit/oauth";
import { FakeContainerPlatform } from "./fake-container-platform";
import { META_DENIAL } from "./fake-graph";

const SCOPES = [
  "instagram_business_basic",
  "instagram_business_content_publish",
  "instagram_business_manage_comments",
  "instagram_business_manage_messages",
  "instagram_business_manage_insights",
];

/**
 * Instagram content publishing: image containers (JPEG), REELS (video_url), CAROUSEL (2–10 items),
 * STORIES; captions up to 2,200 characters; 50 published posts per rolling 24 hours. Instagram
 * Login: codes live an hour and reach the redirect with a trailing `#_`; the code exchange takes
 * multipart or urlencoded forms and answers `{data:[{access_token, user_id, permissions}]}`.
 */
export class FakeInstagram extends FakeContainerPlatform {
  constructor(options: FakeOptions = {}) {
    super(
      "instagram",
      {
        version: "v25.0",
        createEdge: "media",
        publishEdge: "media_publish",
        quotaEdge: "content_publishing_limit",
        refreshGrantType: "ig_refresh_token",
        exchangeGrantType: "ig_exchange_token",
        authorize: { scopeDelimiter: /,/, scopes: SCOPES, denial: META_DENIAL, locationSuffix: "#_" },
        codeBody: (grant, code) => ({
          data: [{ access_token: grant.accessToken, user_id: grant.accountId, permissions: code.scopes.join(",") }],
        }),
        profileBody: (p) => ({
          id: p.accountId,
          user_id: p.accountId,
          username: p.username,
          name: p.displayName,
          account_type: p.accountType,
          profile_picture_url: p.avatarUrl,
        }),
        textField: "caption",
        maxChildren: 10,
        quota: 50,
        permalinkBase: "https://www.instagram.com/p",
        fetchError: "Error: Media download has failed. The media URI doesn't meet our requirements. (2207052)",
        validate: (p) => {
          const type = p.media_type ?? "IMAGE";
          if (p.caption && [...p.caption].length > 2200) return { error: "The caption is too long (2207010)." };
          if (type === "CAROUSEL") return { url: null };
          if (type === "REELS" || type === "VIDEO") {
            if (!p.video_url) return { error: "The parameter video_url is required" };
            if (p.trial_params && !/graduation_strategy/.test(p.trial_params)) return { error: "Invalid trial_params" };
            return { url: p.video_url };
          }
          if (type === "STORIES")
            return p.image_url || p.video_url
              ? { url: p.image_url ?? p.video_url! }
              : { error: "image_url or video_url is required" };
          if (type !== "IMAGE") return { error: `Unsupported media_type ${type}` };
          if (!p.image_url) return { error: "The parameter image_url is required" };
          return { url: p.image_url };
        },
        listedType: (type, params) => {
          if (type === "CAROUSEL") return { media_type: "CAROUSEL_ALBUM", media_product_type: "FEED" };
          if (type === "REELS") return { media_type: "VIDEO", media_product_type: "REELS" };
          if (type === "STORIES")
            return { media_type: params.video_url ? "VIDEO" : "IMAGE", media_product_type: "STORY" };
          return { media_type: type ?? "IMAGE", media_product_type: "FEED" };
        },
        statusBody: (c) => ({
          status_code: c.state,
          status:
            c.error ??
            (c.state === "FINISHED" ? "Finished: Media has been uploaded and it is ready to be published." : c.state),
        }),
      },
      options,
    );
    this.codeTtlSeconds = 3600;
    // Meta advises checking a container once a minute for up to five; an image takes seconds to
    // a minute, a reel longer.
    this.realisticProcessingMs = 30_000;
  }

  protected override profileDefaults(accountId: string): FakeProfile {
    return { ...super.profileDefaults(accountId), accountType: "BUSINESS" };
  }
}
