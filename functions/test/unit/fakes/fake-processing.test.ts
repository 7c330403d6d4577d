import type { ProcessingSpeed } from "../../../fakes/kit/fake-platform";
import { FakeThreads } from "../../../fakes/meta/fake-threads";
import { FakeX } from "../../../fakes/x/fake-x";

/**
 * The fakes' processing speed, over real HTTP: `short` (the local stack's default) is done at the
 * second status read however soon it comes; `realistic` holds a container or a video until about
 * the real platform's time has passed on the fake's clock.
 */

let clock = Date.parse("2026-11-30T09:00:00Z");
const started: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(started.map((f) => f.close())));

async function threads(processing: ProcessingSpeed) {
  const fake = new FakeThreads({ processing });
  fake.clock = () => clock;
  const base = await fake.listen();
  started.push(fake);
  const token = fake.grant("threads_1").accessToken;
  const created = await fetch(`${base}/v1.0/me/threads?media_type=TEXT&text=hello&access_token=${token}`, {
    method: "POST",
  });
  const { id } = (await created.json()) as { id: string };
  return async () => {
    const res = await fetch(`${base}/v1.0/${id}?fields=status&access_token=${token}`);
    return ((await res.json()) as { status: string }).status;
  };
}

async function xVideo(processing: ProcessingSpeed) {
  const fake = new FakeX({ processing });
  fake.clock = () => clock;
  const base = await fake.listen();
  started.push(fake);
  const headers = { authorization: `Bearer ${fake.grant("x_1").accessToken}`, "content-type": "application/json" };
  const post = async (path: string, body: object) =>
    (await (await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) })).json()) as {
      data: { id: string; processing_info?: { state: string; check_after_secs?: number } };
    };
  const media = Buffer.alloc(1000, 1);
  const init = await post("/2/media/upload/initialize", {
    media_type: "video/mp4",
    total_bytes: media.length,
    media_category: "tweet_video",
  });
  const id = init.data.id;
  await post(`/2/media/upload/${id}/append`, { media: media.toString("base64"), segment_index: 0 });
  const finalized = await post(`/2/media/upload/${id}/finalize`, {});
  const status = async () => {
    const res = await fetch(`${base}/2/media/upload?command=STATUS&media_id=${id}`, { headers });
    return ((await res.json()) as { data: { processing_info: { state: string; check_after_secs?: number } } }).data
      .processing_info;
  };
  return { finalized: finalized.data.processing_info!, status };
}

describe("the fakes' processing speed", () => {
  it("short: a Meta container is finished at its second status read", async () => {
    const read = await threads("short");
    expect([await read(), await read()]).toEqual(["IN_PROGRESS", "FINISHED"]);
  });

  it("realistic: a Meta container stays IN_PROGRESS, however often it is read, until its 30 s have passed", async () => {
    const read = await threads("realistic");
    const early = [await read(), await read(), await read()];
    clock += 29_000;
    early.push(await read());
    clock += 1_000;
    expect([...early, await read()]).toEqual(["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "FINISHED"]);
  });

  it("short: X's video is processed at the first STATUS after FINALIZE, which said to look again in a second", async () => {
    const { finalized, status } = await xVideo("short");
    expect(finalized).toMatchObject({ state: "pending", check_after_secs: 1 });
    expect((await status()).state).toBe("succeeded");
  });

  it("realistic: X's video is processed after about 10 s, and X says when to look again", async () => {
    const { finalized, status } = await xVideo("realistic");
    expect(finalized).toMatchObject({ state: "pending", check_after_secs: 10 });
    clock += 4_000;
    expect(await status()).toMatchObject({ state: "in_progress", check_after_secs: 6 });
    expect((await status()).state).toBe("in_progress");
    clock += 6_000;
    expect((await status()).state).toBe("succeeded");
  });

  it("takes the speed from FAKE_PROCESSING when not given, and refuses an unknown one", () => {
    const before = process.env.FAKE_PROCESSING;
    try {
      process.env.FAKE_PROCESSING = "realistic";
      expect(new FakeThreads().processing).toBe("realistic");
      delete process.env.FAKE_PROCESSING;
      expect(new FakeThreads().processing).toBe("short");
      process.env.FAKE_PROCESSING = "slow";
      expect(() => new FakeThreads()).toThrow(/FAKE_PROCESSING must be "short" or "realistic"/);
    } finally {
      if (before === undefined) delete process.env.FAKE_PROCESSING;
      else process.env.FAKE_PROCESSING = before;
    }
  });
});
