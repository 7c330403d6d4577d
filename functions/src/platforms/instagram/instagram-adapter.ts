import type { TargetContent } from "../../domain/post-model";
import { GRAPH_VERSION } from "../meta/graph-version";
import { PublishError } from "../../domain/publish-error";
import { ContainerFlow, type GraphCall, type Params } from "../meta/container-flow";
import { graphFailure } from "../meta/graph-errors";
import type { PlatformAdapter, PublishContext } from "../platform-adapter";
import { field, stringField } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";

/** Instagram Graph API version the adapter speaks. */

/**
 * Instagram content publishing: an image container, a carousel (up to 10 items) or a reel (with
 * trial_params for trial reels), polled until FINISHED, then media_publish, after checking the
 * account's rolling content_publishing_limit.
 */
export function instagramAdapter(settings: PlatformSettings): PlatformAdapter {
  return new ContainerFlow({
    platform: "instagram",
    name: "Instagram",
    base: `${settings.apiUrl}/${GRAPH_VERSION}`,
    origin: settings.apiUrl,
    edges: { create: "media", publish: "media_publish" },
    statusFields: "status_code,status",
    statusOf: (body) => stringField(body, "status_code"),
    errorOf: (body) => stringField(body, "status") ?? "unknown error",
    textField: "caption",
    refreshGrantType: "ig_refresh_token",
    // Meta's advice: query the status once a minute.
    pollSeconds: 60,
    containers: instagramContainers,
    // Reels are VIDEO (their media_product_type is REELS).
    postShape: (content) =>
      content.videoUrl
        ? { mediaType: "VIDEO", children: 0 }
        : content.imageUrls.length > 1
          ? { mediaType: "CAROUSEL_ALBUM", children: content.imageUrls.length }
          : { mediaType: "IMAGE", children: 0 },
    beforePublish: checkPublishingLimit,
    retryableError: (message) => /2207003|2207001|2207032|2207052|timeout|fetch/i.test(message),
  });
}

/** Publishing past the rolling 24-hour quota fails; wait for the window instead. */
async function checkPublishingLimit(ctx: PublishContext, call: GraphCall): Promise<void> {
  const credentials = await ctx.auth.credentials();
  const user = encodeURIComponent(credentials.extra.userId ?? ctx.run.accountId);
  const res = await call("GET", `/${user}/content_publishing_limit`, { fields: "quota_usage,config" });
  if (res.status !== 200) throw graphFailure("Instagram", res, ctx.clock());
  const usage = Number(field(res.body, "data", 0, "quota_usage"));
  const total = Number(field(res.body, "data", 0, "config", "quota_total"));
  if (Number.isFinite(usage) && Number.isFinite(total) && usage >= total) {
    throw new PublishError(
      "rate_limited",
      `Instagram: the account published ${usage} of its ${total} posts allowed in 24 hours.`,
      { retryAfterSeconds: 3600 },
    );
  }
}

function instagramContainers(content: TargetContent): { children: Params[]; main: Params } {
  const o = content.options as {
    shareToFeed?: boolean;
    trialReel?: boolean;
    trialGraduation?: string;
    coverUrl?: string;
    thumbOffsetMs?: number;
    altText?: string;
    collaborators?: string[];
    locationId?: string;
  };
  const common: Params = {
    caption: content.text ?? undefined,
    location_id: o.locationId,
    collaborators: o.collaborators ? JSON.stringify(o.collaborators) : undefined,
  };
  if (content.videoUrl) {
    return {
      children: [],
      main: {
        ...common,
        media_type: "REELS",
        video_url: content.videoUrl,
        share_to_feed: o.shareToFeed === undefined ? undefined : String(o.shareToFeed),
        cover_url: o.coverUrl,
        thumb_offset: o.thumbOffsetMs === undefined ? undefined : String(o.thumbOffsetMs),
        trial_params: o.trialReel ? JSON.stringify({ graduation_strategy: o.trialGraduation ?? "MANUAL" }) : undefined,
      },
    };
  }
  if (content.imageUrls.length > 1) {
    const children = content.imageUrls.map((url) => ({ image_url: url, is_carousel_item: "true" }));
    return { children, main: { ...common, media_type: "CAROUSEL" } };
  }
  return { children: [], main: { ...common, image_url: content.imageUrls[0], alt_text: o.altText } };
}
