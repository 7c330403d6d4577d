import request from "supertest";
import { liveSuite } from "../support/adapter-suite";
import { PLATFORMS, type Platform } from "../../src/domain/platforms";
import { CredentialStore } from "../../src/store/credential-store";
import { logs } from "../../src/logs";
import { TEST_KEYRING } from "../support/keyring";
import { consentThroughFake, idToken, redeem } from "../support/connect-flow";

jest.setTimeout(90_000);

const { h, live } = liveSuite();

/**
 * Every log line (each goes through the `logs` catalogue; firebase-functions' logger writes with
 * console functions it captured at load, which a spy on `console` would miss) and anything else
 * written to the console or the process's output while `work` runs.
 */
async function captureOutput(work: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const keep = (...args: unknown[]) => {
    chunks.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
  const logSpies = (Object.keys(logs) as (keyof typeof logs)[]).map((name) => {
    const original = logs[name] as (...args: unknown[]) => void;
    return jest.spyOn(logs, name).mockImplementation((...args: unknown[]) => {
      keep(name, ...args);
      original(...args);
    });
  });
  const spies = [
    ...logSpies,
    ...(["log", "info", "warn", "error", "debug"] as const).map((m) => jest.spyOn(console, m).mockImplementation(keep)),
    jest.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => (keep(String(c)), true)),
    jest.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (keep(String(c)), true)),
  ];
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return chunks.join("\n");
}

/** Every access and refresh token any fake platform has issued. */
function issuedTokens(): string[] {
  return Object.values(live.fakes).flatMap((fake) =>
    [...fake.tokens.values()].flatMap((g) => [g.accessToken, ...(g.refreshToken ? [g.refreshToken] : [])]),
  );
}

async function docsOf(path: string): Promise<unknown[]> {
  const snap = await h.db.collection(path).get();
  return snap.docs.map((d) => ({ path: d.ref.path, ...d.data() }));
}

describe("credentials never leak", () => {
  it("no client-readable document, API answer or log line contains a token", async () => {
    const t = await h.tenant({ keys: [{ mode: "live" }], accounts: {} });
    const answers: unknown[] = [];
    let accountOf: (platform: Platform) => string = () => "";
    const output = await captureOutput(async () => {
      for (const platform of PLATFORMS) {
        // The browser's redirect (what the dashboard's URL shows) and the redemption's answer.
        const returned = await consentThroughFake(h, t.uid, platform);
        answers.push(returned.toString());
        const redeemed = await redeem(h, t.uid, platform, returned.get("code")!);
        expect(redeemed.status).toBe(200);
        answers.push(redeemed.body);
        const selection = (redeemed.body as { selection?: string }).selection;
        if (selection) {
          const auth = `Bearer ${await idToken(t.uid)}`;
          const offered = await request(h.app)
            .get(`/v1/integrations/${platform}/selections/${selection}`)
            .set("authorization", auth);
          answers.push(offered.body);
          const first = (offered.body as { accounts: { accountId: string }[] }).accounts[0]!.accountId;
          const chosen = await request(h.app)
            .post(`/v1/integrations/${platform}/selections/${selection}`)
            .set("authorization", auth)
            .send({ accountIds: [first] });
          answers.push(chosen.body);
        }
      }
      const listing = (await request(h.app).get("/v1/accounts").set("soku-api-key", t.key)).body as {
        data: { platform: Platform; accountId: string }[];
      };
      answers.push(listing);
      accountOf = (p) => listing.data.find((a) => a.platform === p)!.accountId;
      const x = { accountId: accountOf("x") };
      const post = await request(h.app)
        .post("/v1/posts")
        .set("soku-api-key", t.key)
        .send({ post: { content: { text: "secrecy", platform: [{ platform: "x", accountId: x.accountId }] } } });
      answers.push(post.body);
      await h.drain();
      answers.push(
        (
          await request(h.app)
            .get(`/v1/posts/${post.body.postSubmissionId as string}`)
            .set("soku-api-key", t.key)
        ).body,
      );
      // Renewals (and a refused one) log and write too.
      live.fakes.tiktok.revoke(accountOf("tiktok"));
      h.offsetMs = 25 * 3600_000;
      await h.renewTokens();
      h.offsetMs = 0;
      const gone = await request(h.app)
        .delete(`/v1/accounts/x/${x.accountId}`)
        .set("authorization", `Bearer ${await idToken(t.uid)}`);
      answers.push(gone.body);
    });

    const tokens = issuedTokens();
    expect(tokens.length).toBeGreaterThan(8);

    // What the dashboard can read under the rules: the user's tree and their submissions.
    const readable: unknown[] = [(await h.db.doc(`users/${t.uid}`).get()).data()];
    for (const platform of PLATFORMS) {
      readable.push((await h.db.doc(`users/${t.uid}/integrations/${platform}`).get()).data());
      readable.push(...(await docsOf(`users/${t.uid}/integrations/${platform}/accounts`)));
    }
    readable.push(...(await docsOf(`users/${t.uid}/apiRequests`)));
    for (const s of await h.submissionsOf(t.uid)) {
      readable.push(s.data(), ...(await docsOf(`postSubmissions/${s.id}/runs`)));
    }
    // And the server-only documents hold them sealed, never in clear.
    const sealed = [
      ...(await docsOf("credentials")),
      ...(await docsOf("oauthStates")),
      ...(await docsOf("pendingConnections")),
      ...(await docsOf("accountSelections")),
    ];

    const places = {
      readable: JSON.stringify(readable),
      answers: JSON.stringify(answers),
      output,
      sealed: JSON.stringify(sealed),
    };
    for (const [where, text] of Object.entries(places)) {
      const leaked = tokens.filter((token) => text.includes(token));
      expect({ where, leaked }).toEqual({ where, leaked: [] });
    }
    // The check itself can see tokens: the sealed credentials decrypt to them.
    const stored = await new CredentialStore(h.db, () => TEST_KEYRING).read({
      userId: t.uid,
      platform: "linkedin",
      accountId: accountOf("linkedin"),
    });
    expect(tokens).toContain(stored!.credentials.accessToken);
    expect(output).toContain("tokenHealth");
    expect(output).toContain("runFinished");
  });
});
