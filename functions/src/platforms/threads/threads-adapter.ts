import type { TargetContent } from "../../domain/post-model";
import { ContainerFlow, type Params } from "../meta/container-flow";
import type { PlatformAdapter } from "../platform-adapter";
import { stringField } from "../platform-calls";
import type { PlatformSettings } from "../platform-settings";

/** Threads API: TEXT, IMAGE, VIDEO and CAROUSEL containers, published with threads_publish. */
export function threadsAdapter(settings: PlatformSettings): PlatformAdapter {
  return new ContainerFlow({
    platform: "threads",
    name: "Threads",
    base: `${settings.apiUrl}/v1.0`,
    origin: settings.apiUrl,
    edges: { create: "threads", publish: "threads_publish" },
    statusFields: "status,error_message",
    statusOf: (body) => stringField(body, "status"),
    errorOf: (body) => stringField(body, "error_message") ?? "UNKNOWN",
    textField: "text",
    refreshGrantType: "th_refresh_token",
    // Meta advises about 30 seconds before publishing and polling once a minute.
    pollSeconds: 30,
    containers: threadsContainers,
    postShape: (content) =>
      content.videoUrl
        ? { mediaType: "VIDEO", children: 0 }
        : content.imageUrls.length > 1
          ? { mediaType: "CAROUSEL_ALBUM", children: content.imageUrls.length }
          : { mediaType: content.imageUrls.length === 1 ? "IMAGE" : "TEXT_POST", children: 0 },
    retryableError: (message) => message === "FAILED_DOWNLOADING_VIDEO" || message === "UNKNOWN",
  });
}

function threadsContainers(content: TargetContent): { children: Params[]; main: Params } {
  const o = content.options as {
    replyControl?: string;
    topicTag?: string;
    linkAttachment?: string;
    altText?: string;
  };
  const common: Params = {
    text: content.text ?? undefined,
    reply_control: o.replyControl,
    topic_tag: o.topicTag,
  };
  if (content.videoUrl) return { children: [], main: { ...common, media_type: "VIDEO", video_url: content.videoUrl } };
  if (content.imageUrls.length === 1) {
    return {
      children: [],
      main: { ...common, media_type: "IMAGE", image_url: content.imageUrls[0], alt_text: o.altText },
    };
  }
  if (content.imageUrls.length > 1) {
    const children = content.imageUrls.map((url) => ({
      media_type: "IMAGE",
      image_url: url,
      is_carousel_item: "true",
    }));
    return { children, main: { ...common, media_type: "CAROUSEL" } };
  }
  return { children: [], main: { ...common, media_type: "TEXT", link_attachment: o.linkAttachment } };
}
