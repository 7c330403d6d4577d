import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sniffMediaType, type MediaType } from "../../src/domain/media-type";
import { LocalMediaStore } from "../../src/media/local-media-store";
import { seedTenant } from "../../dev/seed";
import { ApiProcess } from "../support/api-process";
import { testDb } from "../support/firestore";
import { MediaOrigin } from "../support/media-origin";
import { sampleImages, VIDEO_FIXTURES } from "../support/media-samples";
import { storeUnverifiedMedia } from "../support/unverified-media";

/**
 * Damaged media never takes the API down. The API runs in a process of its own, driven over HTTP,
 * so a crash (an unhandled stream error in a conversion, a decoder fault) shows as that process
 * having exited, and every answer must be a 2xx or a 4xx envelope, never a 5xx or no answer.
 */
jest.setTimeout(10 * 60_000);

const SEED = Number(process.env.MEDIA_FUZZ_SEED ?? 1414);
const RUNS = Number(process.env.MEDIA_FUZZ_RUNS ?? 500);
const PARALLEL = 4;
const REQUEST_TIMEOUT_MS = 150_000;

// A database of its own: thousands of media records and their retention entries must not crowd
// the queries of other test files sharing the emulator.
const projectId = `demo-media-fuzz-${Date.now()}`;
const db = testDb(projectId);
const origin = new MediaOrigin();
let api: ApiProcess;
let images: Awaited<ReturnType<typeof sampleImages>>;
beforeAll(async () => {
  [api, images] = await Promise.all([ApiProcess.start(projectId), sampleImages(), origin.start()]).then(
    ([a, i]) => [a, i] as const,
  );
});
afterAll(async () => {
  await api?.stop();
  await origin.stop();
  await db.terminate();
});

interface Answer {
  status: number;
  body: {
    id?: string;
    error?: { type: string; code: string; message: string; requestId: string; details?: Record<string, unknown> };
  };
}

/** Who calls: the API process's tenant, or one seeded by the test. */
interface Caller {
  uid: string;
  key: string;
}
const me = (): Caller => ({ uid: api.info.uid, key: api.info.key });

async function call(who: Caller, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${api.info.url}${path}`, {
    method,
    headers: { "soku-api-key": who.key, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: Answer["body"] = {};
  try {
    parsed = JSON.parse(text) as Answer["body"];
  } catch {
    parsed = {};
  }
  return { status: res.status, body: parsed };
}

const reasonOf = (a: Answer) => (a.body.error?.details?.reason as string | undefined) ?? a.body.error?.code ?? "";

/** POST /v1/media with a URL serving the bytes. */
async function viaUrl(who: Caller, name: string, bytes: Buffer): Promise<Answer> {
  const url = origin.serve(name, bytes);
  try {
    return await call(who, "POST", "/v1/media", { url });
  } finally {
    origin.forget(name);
  }
}

/** A resumable upload session: open, one PUT of every byte, complete. */
async function viaUpload(who: Caller, bytes: Buffer, declared: MediaType): Promise<Answer> {
  const open = await call(who, "POST", "/v1/media/uploads", { contentType: declared.contentType, size: bytes.length });
  if (open.status !== 201) return open;
  const uploadUrl = (open.body as { uploadUrl: string }).uploadUrl;
  const put = await fetch(uploadUrl, {
    method: "PUT",
    body: bytes,
    headers: { "content-type": "application/octet-stream" },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await put.arrayBuffer();
  if (put.status !== 200) return { status: put.status, body: {} };
  return call(who, "POST", `/v1/media/uploads/${open.body.id!}/complete`);
}

/** A post to Instagram (JPEG only): a PNG or WebP gets its JPEG copy made while the post is created. */
function postToInstagram(who: Caller, mediaId: string): Promise<Answer> {
  return call(who, "POST", "/v1/posts", {
    post: { content: { text: "fuzz", mediaIds: [mediaId], platform: ["instagram"] } },
  });
}

describe("damaged media (regressions)", () => {
  const png = () => images.png;

  it("refuses a PNG cut off after its header as corrupt_media, at POST /v1/media and at upload completion; the API lives on", async () => {
    for (const keep of [33, Math.floor(png().length / 2)]) {
      const cut = png().subarray(0, keep);
      const byUrl = await viaUrl(me(), `cut-${keep}-${randomUUID()}.png`, cut);
      expect({ keep, status: byUrl.status, code: byUrl.body.error?.code, reason: reasonOf(byUrl) }).toEqual({
        keep,
        status: 400,
        code: "upload_failed",
        reason: "corrupt_media",
      });
      const uploaded = await viaUpload(me(), cut, sniffMediaType(cut)!);
      expect({ keep, status: uploaded.status, reason: reasonOf(uploaded) }).toEqual({
        keep,
        status: 400,
        reason: "corrupt_media",
      });
    }
    expect(api.status()).toEqual({ alive: true });
    expect((await viaUrl(me(), `whole-${randomUUID()}.png`, png())).status).toBe(201);
  });

  it("answers 400 corrupt_media when a PNG stored before verification cannot be converted for Instagram; the API lives on", async () => {
    const mediaId = `legacy_${randomUUID()}`;
    const store = new LocalMediaStore(api.info.mediaDir, () => api.info.url);
    const cut = png().subarray(0, Math.floor(png().length / 2));
    await storeUnverifiedMedia(db, store, { userId: api.info.uid, mode: "test", mediaId }, cut, sniffMediaType(cut)!, {
      width: 96,
      height: 64,
    });
    const res = await postToInstagram(me(), mediaId);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: "invalid_request_error",
      code: "upload_failed",
      details: { reason: "corrupt_media", mediaId },
    });
    expect(api.status()).toEqual({ alive: true });
  });
});

type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; bits: [number, number][] }
  | { kind: "overwrite"; at: number; bytes: number[] }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number }
  | { kind: "zero"; at: number; length: number };

/** Mutations of a file of `size` bytes; most keep its first bytes, so the type is still recognised. */
function mutation(size: number): fc.Arbitrary<Mutation> {
  const at = fc.oneof(
    { arbitrary: fc.integer({ min: Math.min(16, size - 1), max: size - 1 }), weight: 9 },
    { arbitrary: fc.integer({ min: 0, max: size - 1 }), weight: 1 },
  );
  const length = fc.integer({ min: 1, max: 512 });
  return fc.oneof(
    fc.record({ kind: fc.constant("truncate" as const), at }),
    fc.record({
      kind: fc.constant("flip" as const),
      bits: fc.array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 12 }),
    }),
    fc.record({
      kind: fc.constant("overwrite" as const),
      at,
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }),
    }),
    fc.record({ kind: fc.constant("delete" as const), at, length }),
    fc.record({ kind: fc.constant("duplicate" as const), at, length }),
    fc.record({ kind: fc.constant("zero" as const), at, length }),
  );
}

function mutate(file: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(file);
  for (const m of mutations) {
    const at = Math.min(m.kind === "flip" ? 0 : m.at, b.length);
    switch (m.kind) {
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "flip":
        for (const [i, bit] of m.bits) if (i < b.length) b[i]! ^= 1 << bit;
        break;
      case "overwrite":
        Buffer.from(m.bytes).copy(b, at);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case "duplicate":
        b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at)]);
        break;
      case "zero":
        b.fill(0, at, Math.min(b.length, at + m.length));
        break;
    }
  }
  return b;
}

describe("media fuzz", () => {
  it(`ingests, probes and converts ${RUNS} mutated and truncated variants of every type without a crash, a 5xx or a hang`, async () => {
    const fixtures: [string, Buffer][] = [
      ["jpeg", images.jpeg],
      ["png", images.png],
      ["gif", images.gif],
      ["webp", images.webp],
      ["mp4", VIDEO_FIXTURES.mp4],
      ["mov", VIDEO_FIXTURES.mov],
      ["webm", VIDEO_FIXTURES.webm],
      ["mkv", VIDEO_FIXTURES.mkv],
    ];
    const variants = fixtures.flatMap(([name, file], f) =>
      fc
        .sample(fc.array(mutation(file.length), { minLength: 1, maxLength: 3 }), { seed: SEED + f, numRuns: RUNS })
        .map((mutations, i) => ({ name, i, bytes: mutate(file, mutations), declared: sniffMediaType(file)! })),
    );
    console.log(`media fuzz: seed ${SEED} (MEDIA_FUZZ_SEED replays it), ${variants.length} variants`);

    const tally = new Map<string, number>();
    const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
    const failures: string[] = [];
    const expectAnswer = (what: string, a: Answer, allowed: number[]) => {
      const envelope = a.status < 400 || (a.body.error?.requestId && a.body.error.message && a.body.error.type);
      if (!allowed.includes(a.status) || !envelope) failures.push(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
    };
    const store = new LocalMediaStore(api.info.mediaDir, () => api.info.url);
    const converts = (name: string) => name === "png" || name === "webp";

    // A tenant per 100 variants: the emulator counts a rate-limit window by scanning the user's
    // every entry, which would make thousands of requests from one user quadratic.
    const callers = await Promise.all(
      Array.from({ length: Math.ceil(variants.length / 100) }, async () => {
        const uid = `u_${randomUUID()}`;
        return { uid, key: (await seedTenant(db, { uid })).keys[0]! };
      }),
    );
    const one = async (v: (typeof variants)[number], n: number) => {
      const who = callers[Math.floor(n / 100)]!;
      const label = `${v.name} #${v.i}`;
      const upload = v.i % 8 === 0;
      const ingested = upload
        ? await viaUpload(who, v.bytes, v.declared)
        : await viaUrl(who, `${v.name}-${v.i}-${SEED}`, v.bytes);
      expectAnswer(`${label} ${upload ? "upload" : "url"}`, ingested, [201, 400]);
      count(`${v.name} ingest ${ingested.status} ${ingested.status === 201 ? "" : reasonOf(ingested)}`.trim());
      if (!converts(v.name)) return;
      let mediaId = ingested.status === 201 ? ingested.body.id : undefined;
      if (!mediaId) {
        // Refused now; stored as it would have been before verification, so the conversion gets the
        // damaged bytes themselves.
        mediaId = `unverified_${v.name}_${v.i}_${randomUUID().slice(0, 8)}`;
        await storeUnverifiedMedia(db, store, { userId: who.uid, mode: "test", mediaId }, v.bytes, v.declared, {
          width: 96,
          height: 64,
        });
      }
      const posted = await postToInstagram(who, mediaId);
      expectAnswer(`${label} post`, posted, [202, 400]);
      const source = ingested.status === 201 ? "verified" : "unverified";
      count(`${v.name} post(${source}) ${posted.status} ${posted.status === 202 ? "" : reasonOf(posted)}`.trim());
    };

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < variants.length && api.status().alive) {
          const n = next++;
          const v = variants[n]!;
          try {
            await one(v, n);
          } catch (error) {
            failures.push(`${v.name} #${v.i}: ${String(error)}`);
          }
        }
      }),
    );

    const lines = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`);
    console.log(
      `media fuzz: ${variants.length} variants in ${Math.round((Date.now() - started) / 1000)} s (seed ${SEED})\n${lines.join("\n")}`,
    );
    expect(api.status()).toEqual({ alive: true });
    expect(failures.slice(0, 20)).toEqual([]);
    expect(variants.length).toBe(fixtures.length * RUNS);
    // Damage is found in every type, and sound-enough variants still pass.
    for (const [name] of fixtures) {
      expect({ name, corrupt: (tally.get(`${name} ingest 400 corrupt_media`) ?? 0) > 0 }).toEqual({
        name,
        corrupt: true,
      });
    }
    // Still serving, not only running.
    expect((await viaUrl(me(), `after-${randomUUID()}.png`, images.png)).status).toBe(201);
  });
});
