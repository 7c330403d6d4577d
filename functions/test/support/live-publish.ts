import { randomUUID } from "node:crypto";
import request from "supertest";
import type { Platform } from "../../src/domain/platforms";
import type { Harness } from "./harness";
import type { LivePlatforms } from "./live-platforms";

export interface LiveContent {
  text?: string;
  imageUrls?: string[];
  videoUrl?: string;
  options?: Record<string, unknown>;
}

export interface LiveTenant {
  uid: string;
  key: string;
  account: string;
  platform: Platform;
  grant: Awaited<ReturnType<LivePlatforms["connect"]>>;
}

/**
 * Publishing with a sk_live_ key through the real API, orchestrator and publisher against the
 * fakes: a tenant with one connected account of `platform` (its own id, so tests never share a
 * platform account), and helpers that submit a post to it and run every task, due or not.
 */
export async function liveTenant(
  h: Harness,
  live: LivePlatforms,
  platform: Platform,
  connect: Parameters<LivePlatforms["connect"]>[4] = {},
): Promise<LiveTenant> {
  const account = `${platform}_${randomUUID().slice(0, 8)}`;
  const t = await h.tenant({ keys: [{ mode: "live" }], accounts: { [platform]: [account] } });
  const grant = await live.connect(h, t.uid, platform, account, connect);
  return { uid: t.uid, key: t.key, account, platform, grant };
}

/** A tenant with one connected account (of its own) on each of `platforms`, for posts to several. */
export async function liveTenantOn(h: Harness, live: LivePlatforms, platforms: Platform[]) {
  const ids = Object.fromEntries(platforms.map((p) => [p, [`${p}_${randomUUID().slice(0, 8)}`]]));
  const t = await h.tenant({ keys: [{ mode: "live" }], accounts: ids });
  const accounts: LiveTenant[] = [];
  for (const platform of platforms) {
    const account = ids[platform]![0]!;
    const grant = await live.connect(h, t.uid, platform, account);
    accounts.push({ uid: t.uid, key: t.key, account, platform, grant });
  }
  return { key: t.key, uid: t.uid, accounts };
}

export async function submitLive(h: Harness, t: LiveTenant, content: LiveContent, extra: Record<string, unknown> = {}) {
  const target = {
    platform: t.platform,
    accountId: t.account,
    ...(content.options ? { options: content.options } : {}),
  };
  const { options: _options, ...rest } = content;
  const res = await request(h.app)
    .post("/v1/posts")
    .set("soku-api-key", t.key)
    .send({ post: { content: { ...rest, platform: [target] } }, ...extra });
  if (res.status !== 202) throw new Error(`POST /v1/posts answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.postSubmissionId as string;
}

export async function publishLive(
  h: Harness,
  t: LiveTenant,
  content: LiveContent,
  extra: Record<string, unknown> = {},
) {
  const id = await submitLive(h, t, content, extra);
  await h.drain({ ignoreSchedule: true });
  return { id, run: await runOf(h, id, t.platform) };
}

/** A single-target submission's run is named after its platform. */
export async function runOf(h: Harness, id: string, platform: Platform) {
  return (await h.db.doc(`postSubmissions/${id}/runs/${platform}`).get()).data()!;
}

export async function accountOf(h: Harness, t: LiveTenant) {
  return (await h.db.doc(`users/${t.uid}/integrations/${t.platform}/accounts/${t.account}`).get()).data()!;
}

/**
 * A URL of the tenant's own stored media whose file has since vanished: the URL is one the store
 * gave (so Postcast trusts it and does not rehost it), and the platform is the one that fails to
 * fetch it.
 */
export async function vanishedMedia(h: Harness, t: LiveTenant, live: LivePlatforms, name: string): Promise<string> {
  const res = await request(h.app)
    .post("/v1/media")
    .set("soku-api-key", t.key)
    .send({ url: live.media.media(name) });
  if (res.status !== 201) throw new Error(`POST /v1/media answered ${res.status}: ${JSON.stringify(res.body)}`);
  const record = await h.deps.media.records.get(t.uid, res.body.id as string);
  await h.mediaFiles.delete(record!.path);
  return res.body.url as string;
}

/** The media URLs a post was published with: Postcast's copies of the ones it was sent with. */
export async function publishedMedia(h: Harness, postSubmissionId: string): Promise<string[]> {
  const sub = (await h.submissions.get(postSubmissionId))!;
  const content = (sub.request as { post: { content: { imageUrls: string[]; videoUrl: string | null } } }).post.content;
  return [...content.imageUrls, ...(content.videoUrl ? [content.videoUrl] : [])];
}
