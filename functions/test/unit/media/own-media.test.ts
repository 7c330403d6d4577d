import { Timestamp } from "firebase-admin/firestore";
import type { NormalizedPostRequest } from "../../../src/domain/post-model";
import { ownMedia, ownMediaIds } from "../../../src/media/own-media";
import { originalRef } from "../../../src/media/stored-media-urls";
import type { MediaRecord } from "../../../src/store/media-record-store";

const UID = "u_1";
const OWNER = { userId: UID, mode: "live" } as const;
const URL_ = `https://firebasestorage.googleapis.com/v0/b/postcast.appspot.com/o/${encodeURIComponent(`users/${UID}/media/m1/a.jpg`)}?alt=media&token=t`;

const record: MediaRecord = {
  mode: "live",
  url: URL_,
  path: `users/${UID}/media/m1/a.jpg`,
  contentType: "image/jpeg",
  kind: "image",
  size: 1000,
  width: 1080,
  height: 1080,
  durationSeconds: null,
  codec: "jpeg",
  hasAlpha: false,
  jpeg: null,
  sourceUrl: null,
  createdAt: Timestamp.now(),
  expireAt: Timestamp.now(),
};

const request: NormalizedPostRequest = {
  post: {
    content: {
      text: "hi",
      mediaType: "image",
      imageUrls: [URL_],
      videoUrl: null,
      platform: [{ platform: "x", accountId: null }],
    },
  },
  scheduledTime: null,
  trial_reel: false,
  sandbox: null,
};

function deps() {
  const asked: string[] = [];
  return {
    asked,
    media: {
      records: {
        get: (userId: string, id: string) => {
          asked.push(id);
          return Promise.resolve(userId === UID && id === "m1" ? record : null);
        },
      },
      jpegCopy: () => Promise.reject(new Error("a JPEG needs no JPEG copy")),
    },
  };
}

describe("ownMedia", () => {
  it("looks a post's stored media up by URL", async () => {
    const d = deps();
    const own = await ownMedia(d, OWNER, request);
    expect(d.asked).toEqual(["m1"]);
    expect(own.known.get(URL_)).toMatchObject({ kind: "image", format: "jpeg", size: 1000 });
    expect(ownMediaIds(own.request, own)).toEqual(["m1"]);
  });

  it("does not look up again media the request named by id (already resolved)", async () => {
    const d = deps();
    const own = await ownMedia(d, OWNER, request, { resolved: new Map([[URL_, originalRef("m1", record)]]) });
    expect(d.asked).toEqual([]);
    expect(own.known.get(URL_)).toMatchObject({ kind: "image", format: "jpeg", size: 1000 });
    expect(ownMediaIds(own.request, own)).toEqual(["m1"]);
  });
});
