/**
 * `npm run webhooks:listen` over real HTTP on a free port, sent deliveries signed with the
 * `standardwebhooks` library's own `Webhook.sign`: valid ones are printed and answered 204, bad
 * signatures and stale timestamps 401 with the reason, a repeated webhook-id 204 again as a
 * duplicate; each fault answers as its flag says; two secrets are both accepted (rotation); and
 * the command itself stops on SIGINT, SIGTERM and SIGHUP with a summary.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { freePort } from "../../../dev/processes";
import { startWebhookListener, isChosen, type Listener } from "../../../dev/webhook-listener";
import {
  UsageError,
  parseDuration,
  parseListenerArgs,
  type ListenerOptions,
} from "../../../dev/webhook-listener-options";
import { dataSummary } from "../../../dev/webhook-listener-view";

const secretOf = (seed: string) => `whsec_${Buffer.from(seed.padEnd(32, "-")).toString("base64")}`;
const SECRET = secretOf("the endpoint's secret");
const NEXT_SECRET = secretOf("the rotated secret");

const EVENT = {
  type: "post.published",
  timestamp: "2026-12-01T09:00:00.000Z",
  data: {
    postSubmissionId: "sub_123",
    livemode: false,
    target: { platform: "x", accountId: "x_primary" },
    platformPostId: "1865",
    permalink: "https://x.com/i/status/1865",
  },
};

function options(argv: string[]): ListenerOptions {
  const parsed = parseListenerArgs(["--port", "0", ...argv], {});
  if (parsed === "help") throw new Error("help");
  return parsed;
}

interface Running {
  listener: Listener;
  lines: string[];
}

const running: Listener[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()));
});

async function listen(argv: string[], random?: () => number): Promise<Running> {
  const lines: string[] = [];
  const listener = await startWebhookListener(options(argv), {
    print: (l) => lines.push(l),
    ...(random && { random }),
  });
  running.push(listener);
  return { listener, lines };
}

interface Sent {
  id?: string;
  event?: object;
  secrets?: string[];
  at?: Date;
  signature?: string;
  signal?: AbortSignal;
}

/** One delivery as a Standard Webhooks sender makes it: signed by the library, one signature per secret. */
async function deliver(listener: Listener, sent: Sent = {}) {
  const id = sent.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = sent.at ?? new Date();
  const body = JSON.stringify(sent.event ?? EVENT);
  const signature =
    sent.signature ?? (sent.secrets ?? [SECRET]).map((s) => new Webhook(s).sign(id, at, body)).join(" ");
  const res = await fetch(listener.url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    },
    ...(sent.signal && { signal: sent.signal }),
  });
  return { id, status: res.status, text: await res.text() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("webhooks:listen verifies and prints deliveries", () => {
  it("answers 204 to a valid delivery and prints its type, id and data", async () => {
    const { listener, lines } = await listen(["--secret", SECRET]);
    const { id, status } = await deliver(listener);
    expect(status).toBe(204);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`  204  post.published  ${id}  postSubmissionId=sub_123 `);
    expect(lines[0]).toContain("target.platform=x target.accountId=x_primary");
  });

  it("answers 401 with the reason to a wrong signature, a changed body, a stale timestamp and missing headers", async () => {
    const { listener, lines } = await listen(["--secret", SECRET]);
    const wrong = await deliver(listener, { secrets: [secretOf("someone else's")] });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain("no v1 signature matches the secret");

    const at = new Date();
    const signed = new Webhook(SECRET).sign("msg_changed", at, JSON.stringify(EVENT));
    const changed = await deliver(listener, {
      id: "msg_changed",
      at,
      signature: signed,
      event: { ...EVENT, type: "post.failed" },
    });
    expect(changed.status).toBe(401);

    const stale = await deliver(listener, { at: new Date(Date.now() - 6 * 60_000) });
    expect(stale).toMatchObject({ status: 401, text: expect.stringContaining("more than 5 minutes old") });
    const ahead = await deliver(listener, { at: new Date(Date.now() + 6 * 60_000) });
    expect(ahead).toMatchObject({ status: 401, text: expect.stringContaining("more than 5 minutes ahead") });

    const bare = await fetch(listener.url, { method: "POST", body: "{}" });
    expect(bare.status).toBe(401);
    expect(await bare.text()).toContain("no webhook-id, webhook-timestamp, webhook-signature header");

    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.includes("  401  rejected "))).toBe(true);
    expect(lines[1]).toContain("rejected msg_changed: no v1 signature matches");
    expect(listener.ledger.events.size).toBe(0);
  });

  it("answers 400 to a correctly signed body that is not JSON", async () => {
    const { listener } = await listen(["--secret", SECRET]);
    const at = new Date();
    const res = await fetch(listener.url, {
      method: "POST",
      body: "not json",
      headers: {
        "webhook-id": "msg_text",
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(SECRET).sign("msg_text", at, "not json"),
      },
    });
    expect(res.status).toBe(400);
  });

  it("answers a repeated webhook-id 204 again and prints it as a duplicate of the acknowledged delivery", async () => {
    const { listener, lines } = await listen(["--secret", SECRET]);
    const first = await deliver(listener, { id: "msg_twice" });
    const again = await deliver(listener, { id: "msg_twice" });
    expect([first.status, again.status]).toEqual([204, 204]);
    expect(lines[1]).toMatch("204  post.published  msg_twice (delivery 2)  duplicate of delivery 1, acknowledged at ");
    expect(lines[1]).not.toContain("postSubmissionId");
    const summary = await listener.stop();
    expect(summary.join("\n")).toContain("1 event in 2 deliveries: 1 acknowledged, 1 duplicate answered 204 again");
  });

  it("accepts a signature made with any of its secrets, and a header carrying two (a rotation)", async () => {
    const { listener, lines } = await listen(["--secret", SECRET, "--secret", NEXT_SECRET]);
    expect((await deliver(listener, { secrets: [SECRET] })).status).toBe(204);
    expect((await deliver(listener, { secrets: [NEXT_SECRET] })).status).toBe(204);
    expect(lines[0]).toContain("[secret 1]");
    expect(lines[1]).toContain("[secret 2]");
    const other = await deliver(listener, { secrets: [secretOf("a third")] });
    expect(other).toMatchObject({ status: 401, text: expect.stringContaining("any of the 2 secrets") });

    // During a rotation the sender signs with the old and the new secret; a receiver knowing either accepts.
    const { listener: renewed } = await listen(["--secret", NEXT_SECRET]);
    expect((await deliver(renewed, { secrets: [SECRET, NEXT_SECRET] })).status).toBe(204);
    expect((await deliver(renewed, { secrets: [SECRET] })).status).toBe(401);
  });

  it("prints each event's JSON as received with --json", async () => {
    const { listener, lines } = await listen(["--secret", SECRET, "--json"]);
    await deliver(listener, { id: "msg_json" });
    expect(lines[0]).toMatch(/ {2}204 {2}post\.published {2}msg_json$/);
    expect(JSON.parse(lines[1]!)).toEqual(EVENT);
  });
});

describe("webhooks:listen fails deliveries on purpose", () => {
  it("--fail 500 --first 2: the first two deliveries of each event get 500, the third 204, a fourth is a duplicate", async () => {
    const { listener, lines } = await listen(["--secret", SECRET, "--fail", "500", "--first", "2"]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await deliver(listener, { id: "msg_retried" })).status);
    expect(statuses).toEqual([500, 500, 204, 204]);
    expect((await deliver(listener, { id: "msg_other" })).status).toBe(500);
    expect(lines[0]).toContain("  500  post.published  msg_retried  (on purpose)");
    expect(lines[3]).toContain("duplicate of delivery 3");
    const summary = (await listener.stop()).join("\n");
    expect(summary).toContain("failed on purpose: 500 ×3");
    expect(summary).toContain("not acknowledged yet: msg_other (post.published, 1 delivery)");
  });

  it("--gone answers 410 to every delivery", async () => {
    const { listener } = await listen(["--secret", SECRET, "--gone"]);
    expect((await deliver(listener)).status).toBe(410);
    expect((await deliver(listener)).status).toBe(410);
  });

  it("--fail-rate fails the deliveries its draw picks, with 500 unless --fail says otherwise", async () => {
    const draws = [0.1, 0.9, 0.29, 0.3];
    const { listener } = await listen(["--secret", SECRET, "--fail-rate", "0.3"], () => draws.shift() ?? 1);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await deliver(listener)).status);
    expect(statuses).toEqual([500, 204, 500, 204]);
    const { listener: other } = await listen(["--secret", SECRET, "--fail-rate", "1", "--fail", "503"]);
    expect((await deliver(other)).status).toBe(503);
  });

  it("--timeout never answers: the sender gives up, and the listener says so", async () => {
    const { listener, lines } = await listen(["--secret", SECRET, "--timeout", "--first", "1"]);
    const started = Date.now();
    await expect(deliver(listener, { id: "msg_slowpoke", signal: AbortSignal.timeout(1500) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    await sleep(100);
    expect(lines[0]).toContain("  no answer  post.published  msg_slowpoke  (on purpose)");
    expect(lines[1]).toMatch(/the sender of msg_slowpoke hung up after 1\.\d s, before an answer/);
    expect((await deliver(listener, { id: "msg_slowpoke", signal: AbortSignal.timeout(5000) })).status).toBe(204);
  });

  it("--slow answers late; a sender that gave up meanwhile finds its retry answered as a duplicate", async () => {
    const { listener, lines } = await listen(["--secret", SECRET, "--slow", "600ms", "--first", "1"]);
    const started = Date.now();
    expect((await deliver(listener)).status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(lines[0]).toContain("204 in 0.6 s");

    await expect(deliver(listener, { id: "msg_impatient", signal: AbortSignal.timeout(200) })).rejects.toThrow();
    await sleep(600);
    const retry = await deliver(listener, { id: "msg_impatient" });
    expect(retry.status).toBe(204);
    expect(lines.at(-1)).toContain("msg_impatient (delivery 2)  duplicate of delivery 1");
  });

  it("--slow with --fail answers the failure late", async () => {
    const { listener } = await listen(["--secret", SECRET, "--slow", "300ms", "--fail", "502"]);
    const started = Date.now();
    expect((await deliver(listener)).status).toBe(502);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("stop() ends the deliveries it is holding and summarises", async () => {
    const { listener } = await listen(["--secret", SECRET, "--timeout"]);
    const held = deliver(listener).catch((error: unknown) => error);
    await sleep(200);
    const summary = await listener.stop();
    expect(String(await held)).toContain("fetch failed");
    expect(summary.join("\n")).toContain("failed on purpose: no answer ×1");
  });
});

describe("webhooks:listen flags", () => {
  it("listens on 127.0.0.1:9200 by default and takes secrets from --secret and WEBHOOK_SECRET", () => {
    const parsed = parseListenerArgs([], { WEBHOOK_SECRET: `${SECRET}, ${NEXT_SECRET}` });
    expect(parsed).toMatchObject({ host: "127.0.0.1", port: 9200, json: false, fault: null });
    expect(parsed !== "help" && parsed.verifiers).toHaveLength(2);
    expect(options(["--secret", SECRET, "--secret", NEXT_SECRET]).verifiers).toHaveLength(2);
  });

  it.each([
    [[], "no signing secret"],
    [["--secret", "not-a-secret"], "does not start with whsec_"],
    [["--secret", "whsec_!!!"], "is not whsec_ followed by base64"],
    [["--secret", SECRET, "--fail", "500", "--gone"], "--fail and --gone are different answers"],
    [["--secret", SECRET, "--timeout", "--slow", "2s"], "--timeout never answers"],
    [["--secret", SECRET, "--first", "2"], "--first says which deliveries fail"],
    [["--secret", SECRET, "--fail", "200"], "--fail takes a whole number from 300 to 599"],
    [["--secret", SECRET, "--fail-rate", "1.5"], "--fail-rate takes a probability"],
    [["--secret", SECRET, "--slow", "soon"], "--slow takes a duration"],
    [["--secret", SECRET, "--color"], "Unknown option '--color'"],
  ])("refuses %j: %s", (argv, message) => {
    expect(() => parseListenerArgs(argv, {})).toThrow(UsageError);
    expect(() => parseListenerArgs(argv, {})).toThrow(message);
  });

  it("never prints a secret it refuses", () => {
    const refused = (secret: string) => {
      try {
        parseListenerArgs(["--secret", SECRET, "--secret", secret], {});
      } catch (error) {
        return String(error);
      }
      return "accepted";
    };
    expect(refused("whsec_$$$secret$$$")).toBe("Error: secret 2 of 2 is not whsec_ followed by base64");
  });

  it("reads durations and describes the fault plan", () => {
    expect([parseDuration("20s"), parseDuration("500ms"), parseDuration("1.5m"), parseDuration("2")]).toEqual([
      20_000, 500, 90_000, 2000,
    ]);
    expect(options(["--secret", SECRET, "--fail", "500", "--first", "2"]).fault?.described).toBe(
      "500 to the first 2 deliveries of each event",
    );
    expect(options(["--secret", SECRET, "--fail-rate", "0.3"]).fault).toMatchObject({
      answer: { kind: "status", status: 500 },
      rate: 0.3,
    });
    expect(options(["--secret", SECRET, "--slow", "20s"]).fault).toMatchObject({
      answer: { kind: "ok" },
      delayMs: 20_000,
    });
  });

  it("chooses deliveries by --first and --fail-rate together", () => {
    const plan = options(["--secret", SECRET, "--fail", "500", "--first", "2", "--fail-rate", "0.5"]).fault;
    expect([1, 2, 3].map((n) => isChosen(plan, n, () => 0.2))).toEqual([true, true, false]);
    expect(isChosen(plan, 1, () => 0.7)).toBe(false);
    expect(isChosen(null, 1, () => 0)).toBe(false);
  });

  it("summarises an event's data in one short line", () => {
    expect(dataSummary({ type: "x", data: { a: 1, b: "two words", c: [1, 2], d: { e: { f: 1 } }, g: null } })).toBe(
      'a=1 b="two words" c=[1,2] d.e={…} g=null',
    );
    expect(dataSummary({ id: "evt_1", type: "x", version: 1, livemode: true, data: { postId: "p" } })).toBe(
      "livemode=true postId=p",
    );
    expect(dataSummary({ id: "evt_1", type: "x", timestamp: "…", version: 1, message: "hi" })).toBe("message=hi");
    expect(dataSummary({ type: "x", data: { long: "y".repeat(500) } })).toBe(`long=${"y".repeat(59)}…`);
    expect(
      dataSummary({ type: "x", data: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])) }),
    ).toHaveLength(200);
  });
});

describe("npm run webhooks:listen (the command)", () => {
  const FUNCTIONS_DIR = path.join(__dirname, "..", "..", "..");

  /** The script run as npm runs it, tsx's loader in the one process so that the signal reaches it. */
  function command(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, ["--import", "tsx", "dev/webhook-listener.ts", ...args], {
      cwd: FUNCTIONS_DIR,
      env: { ...process.env, WEBHOOK_SECRET: "", ...env },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)(
    "receives, then stops on %s with a summary",
    async (signal) => {
      const port = await freePort();
      const run = command(["--port", String(port)], { WEBHOOK_SECRET: SECRET });
      const deadline = Date.now() + 20_000;
      while (!run.output().includes("webhooks:listen on")) {
        if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(run.output());
        await sleep(100);
      }
      expect(run.output()).toContain(`webhooks:listen on http://127.0.0.1:${port}, verifying signatures with 1 secret`);
      const url = `http://127.0.0.1:${port}`;
      expect((await deliver({ url } as Listener, { id: "msg_cli" })).status).toBe(204);
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain("post.published  msg_cli");
      expect(run.output()).toContain("1 event in 1 delivery: 1 acknowledged");
    },
    30_000,
  );

  it("says what is missing, and how to give it, when started without a secret", async () => {
    const run = command([]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("webhooks:listen: no signing secret: pass --secret whsec_…");
    expect(run.output()).toContain("usage: npm run webhooks:listen");
  });
});
