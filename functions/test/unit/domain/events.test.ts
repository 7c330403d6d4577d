import { Webhook } from "standardwebhooks";
import { eventId } from "../../../src/domain/events";
import { postCompletedEvent, runEndedEvent } from "../../../src/domain/post-events";
import { accountEvents } from "../../../src/domain/account-events";
import { isWebhookSecret, newWebhookSecret, webhookHeaders } from "../../../src/domain/webhook-signature";
import { decodeCursor, encodeCursor } from "../../../src/store/event-store";

const post = { id: "p1", userId: "u1", mode: "test" as const };
const run = { runId: "x", platform: "x" as const, accountId: "x_primary", attempts: 2 };

describe("event ids", () => {
  it("are the change's: the same change, the same id; another change or user, another id", () => {
    expect(eventId("u1", "run/p1/x/succeeded")).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(eventId("u1", "run/p1/x/succeeded")).toBe(eventId("u1", "run/p1/x/succeeded"));
    expect(eventId("u1", "run/p1/x/failed")).not.toBe(eventId("u1", "run/p1/x/succeeded"));
    expect(eventId("u2", "run/p1/x/succeeded")).not.toBe(eventId("u1", "run/p1/x/succeeded"));
  });
});

describe("post events", () => {
  it("a run's end: published, failed (with dead_lettered) or unknown, in the post's world", () => {
    const published = runEndedEvent(post, run, { status: "succeeded", platformPostId: "t1", permalink: null }, false);
    expect(published).toMatchObject({
      type: "post.published",
      livemode: false,
      data: { postId: "p1", runId: "x", platformPostId: "t1", attempts: 2 },
    });
    const failed = runEndedEvent(post, run, { status: "failed", error: { code: "transient", message: "m" } }, true);
    expect(failed).toMatchObject({ type: "post.failed", data: { dead_lettered: true, error: { code: "transient" } } });
    const unknown = runEndedEvent(
      { ...post, mode: "live" },
      run,
      { status: "unknown", error: { code: "outcome_unknown", message: "m" } },
      false,
    );
    expect(unknown).toMatchObject({
      type: "post.unknown",
      livemode: true,
      data: { reason: { code: "outcome_unknown" } },
    });
    expect(new Set([published.change, failed.change, unknown.change]).size).toBe(3);
  });

  it("post.completed carries the final status and the summary as shown (canceled counted)", () => {
    const event = postCompletedEvent(post, "partially_failed", { total: 2, succeeded: 1, failed: 1, pending: 0 });
    expect(event.data).toEqual({
      postId: "p1",
      status: "partially_failed",
      summary: { total: 2, succeeded: 1, failed: 1, pending: 0, canceled: 0 },
    });
  });

  it("account events: one per world, each its own id", () => {
    const events = accountEvents(
      { userId: "u1", platform: "x", accountId: "a" },
      "account.disconnected",
      "123",
      () => ({}),
    );
    expect(events.map((e) => e.livemode)).toEqual([false, true]);
    expect(eventId("u1", events[0]!.change)).not.toBe(eventId("u1", events[1]!.change));
  });
});

describe("webhook signatures", () => {
  it("new secrets are whsec_ and 24 random bytes in base64", () => {
    const a = newWebhookSecret();
    expect(isWebhookSecret(a)).toBe(true);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it("verify with the standardwebhooks library, with either secret while two sign", () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({ id: "evt_1", type: "webhook.test" });
    const headers = webhookHeaders("evt_1", new Date(), body, [current, previous]);
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual({ id: "evt_1", type: "webhook.test" });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ id: "evt_1", type: "webhook.test" });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });
});

describe("feed cursors", () => {
  it("round-trip, and anything else is not a cursor", () => {
    const c = { seconds: 1_764_000_000, nanoseconds: 123_456_000, id: `evt_${"a".repeat(32)}` };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    for (const bad of [
      "",
      "nope",
      Buffer.from("[1,2]").toString("base64url"),
      Buffer.from('[1,2,"x"]').toString("base64url"),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});
