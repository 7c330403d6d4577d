import { execFile } from "node:child_process";
import path from "node:path";
import request from "supertest";
import { AUTH_CACHE_TTL_MS } from "../../src/store/ttl-cache";
import { Harness } from "../support/harness";

/**
 * `npm run subscriptions`: the operator's way to grant or end the subscription every content route
 * needs, run as a command against the same Firestore emulator the API reads.
 */
const h = new Harness();
afterAll(() => h.close());
afterEach(() => {
  h.offsetMs = 0;
});

const FUNCTIONS_DIR = path.join(__dirname, "..", "..");

/**
 * Runs the command. Never spawnSync: the embedded Firestore emulator may live in this very
 * process (jest in band), and a blocked event loop would leave the command waiting on it.
 */
function subscriptions(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "tools/subscriptions.ts", ...args, "--project", "demo-postcast"],
      { cwd: FUNCTIONS_DIR, env: process.env, encoding: "utf8" },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const accounts = (key: string) => request(h.app).get("/v1/accounts").set("soku-api-key", key);

describe("npm run subscriptions", () => {
  it("grants a subscription that opens the content routes, and ends it so they answer 403", async () => {
    const t = await h.tenant({ subscription: null });
    expect((await accounts(t.key)).status).toBe(403);

    const granted = await subscriptions("grant", "--uid", t.uid, "--days", "30", "--plan", "pro");
    expect(granted.status).toBe(0);
    const shown = JSON.parse(granted.stdout) as { status: string; planId: string; currentPeriodEnd: string };
    expect(shown).toMatchObject({ status: "active", planId: "pro" });
    const end = Date.parse(shown.currentPeriodEnd);
    expect(end).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    expect(end).toBeLessThan(Date.now() + 31 * 24 * 3600_000);
    // Subscriptions are cached per instance for a few seconds, like keys.
    h.offsetMs = AUTH_CACHE_TTL_MS + 1000;
    expect((await accounts(t.key)).status).toBe(200);

    const ended = await subscriptions("end", "--uid", t.uid);
    expect(ended.status).toBe(0);
    expect(JSON.parse(ended.stdout)).toMatchObject({ status: "canceled", planId: "pro" });
    h.offsetMs = 2 * (AUTH_CACHE_TTL_MS + 1000);
    const refused = await accounts(t.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe("An active subscription is required to access the API.");
  });

  it("grants a trial until a date, and refuses bad input without writing", async () => {
    const t = await h.tenant({ subscription: null });
    const until = new Date(Date.now() + 10 * 24 * 3600_000).toISOString();
    const trial = await subscriptions("grant", "--uid", t.uid, "--until", until, "--status", "trialing");
    expect(trial.status).toBe(0);
    expect(JSON.parse(trial.stdout)).toMatchObject({ status: "trialing", currentPeriodEnd: until, planId: "manual" });

    const other = await h.tenant({ subscription: null });
    for (const args of [
      ["grant", "--uid", other.uid, "--until", "2001-01-01"],
      ["grant", "--uid", other.uid, "--days", "0"],
      ["grant", "--uid", other.uid, "--status", "past_due"],
      ["grant", "--uid", other.uid, "--days", "3", "--until", until],
      ["grant"],
      ["refund", "--uid", other.uid],
      ["end", "--uid", other.uid],
    ]) {
      const res = await subscriptions(...args);
      expect({ args, status: res.status }).toEqual({ args, status: 2 });
      expect(res.stderr).toMatch(/usage: npm run subscriptions/);
    }
    expect((await h.db.doc(`users/${other.uid}/subscription/current`).get()).exists).toBe(false);
  });
});
