/**
 * The TypeScript client (clients/typescript, imported from its sources) against the stack `npm start`
 * runs: every family of calls, a scoped key's refusal, a 429 waited out, and the README's example
 * type-checked and run as printed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import {
  ConflictError,
  InsufficientScopeError,
  NotFoundError,
  Postcast,
  type Post,
  type PostcastEvent,
  type RetryInfo,
} from "../../../clients/typescript/src";
import { REPO_ROOT } from "../../dev/local-config";
import { seedTenant } from "../../dev/seed";
import { scriptedServer } from "../support/scripted-server";
import { runningStack } from "./running-stack";
import { until } from "./until";

jest.setTimeout(240_000);

const stack = runningStack();

const FULL_KEY = "sk_test_ts_client_e2e_full_0123456789abcdefghij";
const READ_KEY = "sk_test_ts_client_e2e_read_0123456789abcdefghij";
const LIMITED_KEY = "sk_test_ts_client_e2e_limit_0123456789abcdefghi";
const CLIENT_SRC = path.join(REPO_ROOT, "clients", "typescript", "src", "index.ts");

const FINAL = ["completed", "partially_failed", "failed", "dispatch_failed"];
const client = (apiKey: string, extra: Partial<ConstructorParameters<typeof Postcast>[0]> = {}) =>
  new Postcast({ apiKey, baseUrl: stack.base, minRetryDelayMs: 50, ...extra });
const x = { platform: "x", accountId: "x_primary" } as const;
const text = (what: string, platform: ("threads" | "linkedin" | typeof x)[] = ["threads"]) => ({
  post: { content: { text: `client e2e ${what} ${Date.now()} ${Math.random()}`, platform } },
});
/** The loopback origin the stack lets webhook endpoints use (WEBHOOK_LOOPBACK_ORIGINS in functions/.env.local). */
const RECEIVER_PORT = 9200;

const finalPost = (postcast: Postcast, id: string) =>
  until(
    `post ${id} to be final`,
    () => postcast.posts.get(id),
    (p: Post) => FINAL.includes(p.status),
    60_000,
  );

/**
 * A tenant of its own spends its `POST /v1/posts` allowance (30 a minute), then posts through the
 * client, which must wait the 429's Retry-After (up to the window) and get the post accepted. Started
 * before the other tests so the minute's wait overlaps them; the last test awaits it.
 */
async function rateLimitedPost() {
  const retries: RetryInfo[] = [];
  const limited = client(LIMITED_KEY, { onRetry: (r) => retries.push(r) });
  const spend = () =>
    fetch(`${stack.base}/v1/posts?dryRun=true`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${LIMITED_KEY}` },
      body: JSON.stringify(text("spend")),
    });
  let refused = false;
  for (let i = 0; i < 40 && !refused; i++) refused = (await spend()).status === 429;
  const started = Date.now();
  const created = await limited.posts.create(text("after the limit"));
  return { refused, created, retries, waitedMs: Date.now() - started };
}

let rateLimited: Promise<Awaited<ReturnType<typeof rateLimitedPost>>>;

beforeAll(async () => {
  await seedTenant(stack.db, { uid: "ts-client-e2e", keys: [{ raw: FULL_KEY, mode: "test" }] });
  await seedTenant(stack.db, {
    uid: "ts-client-e2e-read",
    keys: [{ raw: READ_KEY, mode: "test", scopes: ["posts:read"] }],
  });
  await seedTenant(stack.db, { uid: "ts-client-e2e-limit", keys: [{ raw: LIMITED_KEY, mode: "test" }] });
  rateLimited = rateLimitedPost();
  // Awaited by its test; until then a failure must not be an unhandled rejection.
  rateLimited.catch(() => undefined);
});

describe("the TypeScript client against the local stack", () => {
  it("creates a post, reads it until published, lists and iterates it", async () => {
    const postcast = client(FULL_KEY);
    const { postSubmissionId: id, replayed } = await postcast.posts.create(text("now", [x, "threads", "linkedin"]));
    expect(replayed).toBe(false);
    const done = await finalPost(postcast, id);
    expect(done).toMatchObject({ postSubmissionId: id, status: "completed", summary: { total: 3, succeeded: 3 } });
    const page = await postcast.posts.list({ limit: 5 });
    expect(page.data.map((p) => p.postSubmissionId)).toContain(id);
    const all: string[] = [];
    for await (const post of postcast.posts.iterate({ limit: 1 })) all.push(post.postSubmissionId);
    expect(all).toContain(id);
    expect(new Set(all).size).toBe(all.length);
  });

  it("replays a create sent again with the same Idempotency-Key", async () => {
    const postcast = client(FULL_KEY);
    const body = text("idempotent");
    const first = await postcast.posts.create(body, { idempotencyKey: `client-e2e-${Date.now()}` });
    const again = await postcast.posts.create(body, { idempotencyKey: `client-e2e-${Date.now()}` });
    expect(again.postSubmissionId).not.toBe(first.postSubmissionId);
    const key = `client-e2e-same-${Date.now()}`;
    const one = await postcast.posts.create(body, { idempotencyKey: key });
    const two = await postcast.posts.create(body, { idempotencyKey: key });
    expect(two).toEqual({ postSubmissionId: one.postSubmissionId, replayed: true });
    const dry = await postcast.posts.dryRun(text("dry", [x]));
    expect(dry).toMatchObject({ dryRun: true, valid: true });
  });

  it("stores a draft, edits it, lists it, and publishes it", async () => {
    const postcast = client(FULL_KEY);
    const { postSubmissionId: id } = await postcast.posts.create({ ...text("draft"), draft: true });
    expect(await postcast.posts.get(id)).toMatchObject({ status: "draft", targets: [] });
    const drafts = await postcast.posts.list({ status: "draft" });
    expect(drafts.data.map((p) => p.postSubmissionId)).toContain(id);
    const edited = await postcast.posts.update(id, { post: { content: { text: "client e2e draft, edited" } } });
    expect(edited).toMatchObject({ status: "draft" });
    const published = await postcast.posts.publish(id);
    expect(published.status).not.toBe("draft");
    expect(await finalPost(postcast, id)).toMatchObject({ status: "completed" });
    // A repeated publish answers as the first did.
    await expect(postcast.posts.publish(id)).resolves.toMatchObject({ postSubmissionId: id });
  });

  it("edits a scheduled post with If-Match, refuses a stale ETag, publishes one now and cancels another", async () => {
    const postcast = client(FULL_KEY);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const { postSubmissionId: id } = await postcast.posts.create({ ...text("scheduled"), scheduledTime: at });
    const { post, etag } = await postcast.posts.getWithETag(id);
    expect(post.status).toBe("scheduled");
    expect(etag).toBeTruthy();
    const later = new Date(Date.now() + 7200_000).toISOString();
    const edited = await postcast.posts.update(id, { scheduledTime: later }, { ifMatch: etag! });
    expect(edited).toMatchObject({ status: "scheduled" });
    const stale = await postcast.posts.update(id, { scheduledTime: at }, { ifMatch: etag! }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale).toMatchObject({ status: 409, code: "conflict", details: { status: "stale" } });

    const canceled = await postcast.posts.cancel(id);
    expect(canceled.status).toBe("canceled");
    await expect(postcast.posts.publishNow(id)).rejects.toBeInstanceOf(ConflictError);

    const { postSubmissionId: other } = await postcast.posts.create({ ...text("publish now"), scheduledTime: at });
    const now = await postcast.posts.publishNow(other);
    expect(now.scheduledTime).toBeNull();
    expect(await finalPost(postcast, other)).toMatchObject({ status: "completed" });
    await expect(postcast.posts.get("no-such-post")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("rehosts media from a URL, uploads bytes, reads and deletes them", async () => {
    const postcast = client(FULL_KEY);
    const url = `${stack.fakes.urls.media}/media/client-e2e.mp4?seconds=6`;
    const key = `client-e2e-media-${Date.now()}`;
    const media = await postcast.media.create({ url }, { idempotencyKey: key });
    expect(media).toMatchObject({ contentType: "video/mp4", replayed: false });
    await expect(postcast.media.create({ url }, { idempotencyKey: key })).resolves.toMatchObject({
      id: media.id,
      replayed: true,
    });
    expect(await postcast.media.get(media.id)).toMatchObject({ id: media.id, contentType: "video/mp4" });

    const size = 600_000;
    const bytes = Buffer.from(
      await (await fetch(`${stack.fakes.urls.media}/media/upload.mp4?seconds=6&bytes=${size}`)).arrayBuffer(),
    );
    const uploaded = await postcast.media.upload(bytes, {
      contentType: "video/mp4",
      fileName: "upload.mp4",
      chunkSize: 262_144,
    });
    expect(uploaded).toMatchObject({ contentType: "video/mp4", size });
    expect(await postcast.media.uploads.get(uploaded.id)).toMatchObject({ state: "completed" });

    await expect(postcast.media.delete(media.id)).resolves.toEqual({ id: media.id, deleted: true });
    await expect(postcast.media.get(media.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists the connected accounts", async () => {
    const { data } = await client(FULL_KEY).accounts.list();
    expect(data.map((a) => `${a.platform}:${a.accountId}`)).toEqual(
      expect.arrayContaining(["x:x_primary", "threads:threads_main"]),
    );
  });

  it("creates, reads, edits, tests, rotates and deletes a webhook endpoint", async () => {
    const postcast = client(FULL_KEY);
    const receiver = await scriptedServer(() => ({ status: 204 }), RECEIVER_PORT);
    try {
      const created = await postcast.webhooks.create({
        url: receiver.url,
        events: ["post.completed"],
        description: "client e2e",
      });
      expect(created).toMatchObject({ url: receiver.url, enabled: true, livemode: false });
      expect(created.secret).toMatch(/^whsec_/);
      expect((await postcast.webhooks.list()).data.map((w) => w.id)).toContain(created.id);
      expect(await postcast.webhooks.get(created.id)).not.toHaveProperty("secret");
      await expect(postcast.webhooks.update(created.id, { description: "edited" })).resolves.toMatchObject({
        description: "edited",
      });
      const sent = await postcast.webhooks.test(created.id);
      expect(sent).toMatchObject({ type: "webhook.test" });
      // This tenant's other posts may complete meanwhile: their deliveries share the list.
      const isTest = (x: { eventId: string }) => x.eventId === sent.eventId;
      const deliveries = await until(
        "the test delivery",
        () => postcast.webhooks.deliveries(created.id, { limit: 20 }),
        (d) => d.data.some((x) => isTest(x) && x.statusCode === 204),
        60_000,
      );
      expect(deliveries.data.find(isTest)).toMatchObject({ eventType: "webhook.test", statusCode: 204 });
      const rotated = await postcast.webhooks.rotate(created.id);
      expect(rotated.secret).not.toBe(created.secret);
      await expect(postcast.webhooks.delete(created.id)).resolves.toMatchObject({ id: created.id, deleted: true });
      await expect(postcast.webhooks.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await receiver.close();
    }
  });

  it("iterates the event feed with its cursor, reads and redelivers an event", async () => {
    const postcast = client(FULL_KEY);
    const events: PostcastEvent[] = [];
    for await (const event of postcast.events.iterate({ limit: 3 })) events.push(event);
    expect(events.length).toBeGreaterThan(3);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const types = new Set(events.map((e) => e.type));
    expect([...types]).toEqual(expect.arrayContaining(["post.published", "post.completed", "media.ready"]));
    // The same feed in one page, in the same order.
    const page = await postcast.events.list({ limit: 100 });
    expect(page.data.map((e) => e.id).slice(0, events.length)).toEqual(events.map((e) => e.id));
    const completed = events.find((e) => e.type === "post.completed")!;
    await expect(postcast.events.get(completed.id)).resolves.toEqual(completed);
    await expect(postcast.events.redeliver(completed.id)).resolves.toMatchObject({ eventId: completed.id });
  });

  it("a key without the scope is answered InsufficientScopeError naming it", async () => {
    const reader = client(READ_KEY);
    await expect(reader.posts.list()).resolves.toMatchObject({ data: [] });
    const error = await reader.posts.create(text("no scope")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect(error).toMatchObject({ status: 403, code: "insufficient_scope", scope: "posts:write" });
    expect(String((error as Error).message)).not.toContain(READ_KEY);
  });

  it("runs the README's TypeScript example as printed (type-checked, then against the stack)", async () => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toContain('from "@postcast/client"');
    const dir = mkdtempSync(path.join(tmpdir(), "readme-client-"));
    try {
      const file = path.join(dir, "example.mts");
      writeFileSync(file, block!.replace('"@postcast/client"', JSON.stringify(CLIENT_SRC)));
      const program = ts.createProgram([file], {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        allowImportingTsExtensions: true,
        noEmit: true,
        strict: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [path.join(REPO_ROOT, "functions", "node_modules", "@types")],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(problems).toEqual([]);
      const tsx = path.join(REPO_ROOT, "functions", "node_modules", ".bin", "tsx");
      const { stdout } = await promisify(execFile)(tsx, [file], { cwd: dir, timeout: 60_000 });
      expect(["queued", "orchestrating", "dispatched", "completed"]).toContain(stdout.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("waits out a 429's Retry-After and then posts, with the same Idempotency-Key", async () => {
    const { refused, created, retries, waitedMs } = await rateLimited;
    expect(refused).toBe(true);
    expect(created).toMatchObject({ replayed: false });
    const waits = retries.filter((r) => r.status === 429);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(waitedMs).toBeGreaterThanOrEqual(waits[0]!.delayMs);
  });
});
