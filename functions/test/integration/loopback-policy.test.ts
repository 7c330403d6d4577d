import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mediaSettings, originsOf } from "../../src/config/media-settings";
import { MediaRefusal } from "../../src/domain/media-refusal";
import { safeFetch, SAFE_FETCH_DEFAULTS } from "../../src/media/safe-fetch";
import { webhookRequestOptions } from "../../src/config/webhook-settings";
import { postWebhook } from "../../src/tasks/webhook-request";

/**
 * The local stack lets media fetches reach one loopback origin, the fakes' media server, and
 * nothing else of the machine: every other loopback address is `blocked_address`, as in production.
 */
const servers: Server[] = [];
const hits = new Map<string, number>();

async function serve(name: string, handler: (url: string) => { status: number; location?: string }) {
  const server = createServer((req, res) => {
    hits.set(name, (hits.get(name) ?? 0) + 1);
    const answer = handler(req.url ?? "/");
    res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
    res.end("bytes");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let media: string;
let other: string;
beforeAll(async () => {
  other = await serve("other", () => ({ status: 200 }));
  media = await serve("media", (url) => (url === "/hop" ? { status: 302, location: `${other}/x` } : { status: 200 }));
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
beforeEach(() => hits.clear());

const options = () => ({ ...SAFE_FETCH_DEFAULTS, loopbackOrigins: [media] });

async function refusal(url: string): Promise<string> {
  const error = await safeFetch(url, options()).then(
    (f) => {
      f.abort(new MediaRefusal("unreachable", "test"));
      return null;
    },
    (e: unknown) => e,
  );
  return error instanceof MediaRefusal ? error.reason : `no refusal (${String(error)})`;
}

describe("loopback origins", () => {
  it("fetches from the allowed origin", async () => {
    const fetched = await safeFetch(`${media}/clip.mp4`, options());
    expect(fetched.response.statusCode).toBe(200);
    fetched.abort(new MediaRefusal("unreachable", "done"));
    expect(hits.get("media")).toBe(1);
  });

  it("refuses every other loopback origin before connecting, and a redirect into one", async () => {
    expect(await refusal(`${other}/x`)).toBe("blocked_address");
    expect(await refusal(`${media.replace("127.0.0.1", "localhost")}/x`)).toBe("blocked_address");
    expect(await refusal(`${media.replace("127.0.0.1", "[::1]")}/x`)).toBe("blocked_address");
    expect(await refusal("http://127.0.0.1:8080/")).toBe("blocked_address");
    expect(hits.get("other")).toBeUndefined();
    expect(await refusal(`${media}/hop`)).toBe("blocked_address");
    expect(hits.get("media")).toBe(1);
    expect(hits.get("other")).toBeUndefined();
  });

  it("without any allowed origin (production), refuses loopback altogether", async () => {
    const refused = await safeFetch(`${media}/x`, SAFE_FETCH_DEFAULTS).catch((e: unknown) => e);
    expect((refused as MediaRefusal).reason).toBe("blocked_address");
    expect(hits.get("media")).toBeUndefined();
  });
});

describe("MEDIA_LOOPBACK_ORIGINS", () => {
  it("keeps only http(s) origins", () => {
    expect(originsOf("http://127.0.0.1:9100, https://127.0.0.1:9443/path, ftp://x, nonsense, ")).toEqual([
      "http://127.0.0.1:9100",
      "https://127.0.0.1:9443",
    ]);
    expect(originsOf("")).toEqual([]);
  });

  it("is honoured on demo- projects only: a real project never fetches from loopback", () => {
    const saved = { ...process.env };
    try {
      process.env.MEDIA_LOOPBACK_ORIGINS = "http://127.0.0.1:9100";
      process.env.GCLOUD_PROJECT = "demo-postcast";
      expect(mediaSettings().fetchOptions.loopbackOrigins).toEqual(["http://127.0.0.1:9100"]);
      process.env.GCLOUD_PROJECT = "acme-production";
      expect(mediaSettings().fetchOptions.loopbackOrigins).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});

describe("WEBHOOK_LOOPBACK_ORIGINS", () => {
  it("is honoured on demo- projects only, and opens its origins alone", async () => {
    const saved = { ...process.env };
    try {
      process.env.WEBHOOK_LOOPBACK_ORIGINS = `${media}, ftp://x`;
      process.env.GCLOUD_PROJECT = "demo-postcast";
      const demo = webhookRequestOptions();
      expect(demo).toEqual({ timeoutMs: 15_000, loopbackOrigins: [media] });
      expect(await postWebhook(`${media}/hook`, {}, "{}", demo)).toMatchObject({ status: 200, error: null });
      expect(await postWebhook(`${other}/hook`, {}, "{}", demo)).toMatchObject({ status: null });
      expect(hits.get("other")).toBeUndefined();
      // A redirect is an answer (3xx, a failure), never followed.
      expect(await postWebhook(`${media}/hop`, {}, "{}", demo)).toMatchObject({ status: 302, error: "HTTP 302" });
      expect(hits.get("other")).toBeUndefined();

      process.env.GCLOUD_PROJECT = "acme-production";
      const real = webhookRequestOptions();
      expect(real.loopbackOrigins).toEqual([]);
      expect(await postWebhook(`${media}/hook`, {}, "{}", real)).toMatchObject({
        status: null,
        error: "The url points at an internal address.",
      });
    } finally {
      process.env = saved;
    }
  });
});
