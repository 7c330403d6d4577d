import { Timestamp } from "firebase-admin/firestore";
import { candidateMediaId, sameStoredUrl } from "../../../src/domain/media-refs";
import { matchStoredMedia, resolveStoredMedia } from "../../../src/media/stored-media-urls";
import type { MediaRecord } from "../../../src/store/media-record-store";

const UID = "u_1";
const LIVE = { userId: UID, mode: "live" } as const;
const TEST = { userId: UID, mode: "test" } as const;
const BUCKET = "postcast.appspot.com";
const PATH = `users/${UID}/media/m1/3f9c.png`;
const JPEG = `users/${UID}/media/m1/3f9c.a1b2c3.jpg`;
const cloud = (path: string, bucket = BUCKET, token = "t0k3n") =>
  `https://firebasestorage.googleapis.com/v0/b/${bucket}/o/${encodeURIComponent(path)}?alt=media&token=${token}`;
const local = (path: string, base = "http://127.0.0.1:5001/demo/us-central1/api") => `${base}/media-files/${path}`;

function record(url: string, jpegUrl: string | null, mode?: "live" | "test"): MediaRecord {
  return {
    ...(mode ? { mode } : {}),
    url,
    path: PATH,
    contentType: "image/png",
    kind: "image",
    size: 1000,
    width: 10,
    height: 10,
    durationSeconds: null,
    codec: "png",
    hasAlpha: true,
    jpeg: jpegUrl ? { url: jpegUrl, path: JPEG, size: 800 } : null,
    sourceUrl: null,
    createdAt: Timestamp.now(),
    expireAt: Timestamp.now(),
  };
}

/** The user's records by id, as the record store would answer. */
function records(byId: Record<string, MediaRecord>) {
  const asked: string[] = [];
  return {
    asked,
    get: (userId: string, id: string) => {
      asked.push(`${userId}/${id}`);
      return Promise.resolve(userId === UID ? (byId[id] ?? null) : null);
    },
  };
}

describe("sameStoredUrl: a URL equals the store's when origin and path are the same", () => {
  const stored = cloud(PATH);

  it.each([
    ["the URL itself", stored],
    ["another download token", cloud(PATH, BUCKET, "other")],
    ["no query at all", stored.split("?")[0]!],
    ["a fragment", `${stored}#x`],
    [
      "the host in capitals and the default port",
      stored.replace("firebasestorage.googleapis.com", "FIREBASESTORAGE.googleapis.com:443"),
    ],
    ["lower-case hex in the escapes", stored.replace(/%2F/g, "%2f")],
    ["an unreserved character escaped", stored.replace("/v0/", "/v%30/").replace("users", "%75sers")],
  ])("is the stored URL: %s", (_label, url) => {
    expect(sameStoredUrl(url, stored)).toBe(true);
  });

  it.each([
    ["another bucket", cloud(PATH, "attacker.appspot.com")],
    ["another host", stored.replace("firebasestorage.googleapis.com", "firebasestorage.googleapis.com.evil.test")],
    ["another scheme", stored.replace("https:", "http:")],
    ["another port", stored.replace("googleapis.com/", "googleapis.com:8443/")],
    ["credentials", stored.replace("https://", "https://user:pw@")],
    ["trailing junk in the path", stored.replace(".png?", ".png.exe?")],
    ["a trailing slash", stored.replace(".png?", ".png/?")],
    ["an escaped slash decoded", `https://firebasestorage.googleapis.com/v0/b/${BUCKET}/o/${PATH}?alt=media`],
    ["another user's object", cloud(PATH.replace(UID, "u_2"))],
    ["not a URL", "users/u_1/media/m1/3f9c.png"],
    ["a data URL", "data:image/png;base64,AAAA"],
  ])("is not the stored URL: %s", (_label, url) => {
    expect(sameStoredUrl(url, stored)).toBe(false);
  });

  it("compares the local store's URLs the same way", () => {
    expect(sameStoredUrl(local(PATH), local(PATH))).toBe(true);
    expect(sameStoredUrl(local(PATH, "http://127.0.0.2:5001/demo/us-central1/api"), local(PATH))).toBe(false);
    expect(sameStoredUrl(local(PATH).replace("/media-files/", "/other/media-files/"), local(PATH))).toBe(false);
  });
});

describe("candidateMediaId: which record a URL would be, before any trust", () => {
  it("reads the media id from the object path, encoded or not, for the user only", () => {
    expect(candidateMediaId(cloud(PATH), UID)).toBe("m1");
    expect(candidateMediaId(local(PATH), UID)).toBe("m1");
    expect(candidateMediaId(cloud(PATH), "u_2")).toBeNull();
    expect(candidateMediaId("https://cdn.example.com/photo.jpg", UID)).toBeNull();
    expect(candidateMediaId("https://cdn.example.com/%E0%A4%A/users/u_1/media/m1/x", UID)).toBeNull();
  });
});

describe("resolveStoredMedia: the one rule for the user's own media", () => {
  const stored = cloud(PATH);
  const jpeg = cloud(JPEG, BUCKET, "j");

  it("resolves the stored URL and its JPEG copy's to the record, with the store's URL and path", async () => {
    const r = records({ m1: record(stored, jpeg) });
    const resolved = await resolveStoredMedia(r, LIVE, [cloud(PATH, BUCKET, "old"), cloud(JPEG, BUCKET, "old")]);
    expect(resolved.get(cloud(PATH, BUCKET, "old"))).toMatchObject({
      mediaId: "m1",
      copy: "original",
      url: stored,
      path: PATH,
      size: 1000,
      contentType: "image/png",
    });
    expect(resolved.get(cloud(JPEG, BUCKET, "old"))).toMatchObject({
      mediaId: "m1",
      copy: "jpeg",
      url: jpeg,
      path: JPEG,
      size: 800,
      contentType: "image/jpeg",
    });
    // One record read for both URLs of the same media.
    expect(r.asked).toEqual([`${UID}/m1`]);
  });

  it("leaves out look-alikes: another host, bucket or user, trailing junk, and media with no record", async () => {
    const r = records({ m1: record(stored, null) });
    const lookAlikes = [
      stored.replace("https://firebasestorage.googleapis.com", "http://10.0.0.5:8080"),
      cloud(PATH, "attacker.appspot.com"),
      cloud(PATH.replace(UID, "u_2")),
      stored.replace(".png?", ".png%00?"),
      cloud(JPEG),
      cloud(`users/${UID}/media/m2/f.png`),
      `http://10.0.0.5:8080/users/${UID}/media/x/y`,
    ];
    expect((await resolveStoredMedia(r, LIVE, lookAlikes)).size).toBe(0);
  });

  it("counts only media of the key's mode as own; records from before modes are live", async () => {
    const testMedia = cloud(`users/${UID}/media/mt/a.png`);
    const liveMedia = cloud(`users/${UID}/media/ml/b.png`);
    const olderMedia = cloud(`users/${UID}/media/mo/c.png`);
    const r = records({
      mt: record(testMedia, null, "test"),
      ml: record(liveMedia, null, "live"),
      mo: record(olderMedia, null),
    });
    const urls = [testMedia, liveMedia, olderMedia];
    expect([...(await resolveStoredMedia(r, TEST, urls)).keys()]).toEqual([testMedia]);
    expect([...(await resolveStoredMedia(r, LIVE, urls)).keys()]).toEqual([liveMedia, olderMedia]);
    // Whichever mode stored them, they are the user's: a post is refused the other mode's.
    expect([...(await matchStoredMedia(r, UID, urls)).keys()]).toEqual(urls);
  });
});
