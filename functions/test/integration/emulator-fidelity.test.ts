/**
 * The Firestore behaviours the pipeline relies on. Each test fails on an emulator that lacks the
 * behaviour (see docs/development.md, "Local-stack fidelity", for those the unpatched Node emulator lacked). The file runs
 * twice: on the embedded emulator (integration project) and on Google's (jest.rules.config.js), so
 * what the embedded one was patched to do is shown to be what Google's does.
 */
import { randomUUID } from "node:crypto";
import { FieldPath, FieldValue, Timestamp } from "firebase-admin/firestore";
import { testDb } from "../support/firestore";

const db = testDb();
afterAll(() => db.terminate());
const col = () => db.collection(`fidelity-${randomUUID()}`);

describe("Firestore emulator fidelity", () => {
  it("serializes concurrent read-modify-write transactions: no lost update", async () => {
    const ref = col().doc("counter");
    await ref.set({ n: 0 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        db.runTransaction(async (tx) => {
          const n = ((await tx.get(ref)).get("n") as number) + 1;
          tx.update(ref, { n });
        }),
      ),
    );
    // Firestore may give up on a transaction that keeps losing to others (ABORTED once the SDK's
    // attempts are spent; Google's emulator does under this contention). It never loses an update.
    const committed = outcomes.filter((o) => o.status === "fulfilled").length;
    for (const o of outcomes.filter((x): x is PromiseRejectedResult => x.status === "rejected")) {
      expect((o.reason as { code?: number }).code).toBe(10);
    }
    expect(committed).toBeGreaterThan(0);
    expect((await ref.get()).get("n")).toBe(committed);
  });

  it("retries a transaction whose document another client wrote after it read it", async () => {
    const ref = col().doc("raced");
    await ref.set({ n: 0 });
    let outside: Promise<unknown> | undefined;
    await db.runTransaction(async (tx) => {
      const n = (await tx.get(ref)).get("n") as number;
      // Once, between the read and the commit. Firestore holds the write until the transaction
      // ends (it locked what it read); an emulator without locks applies it now, so the commit
      // must then fail and the transaction run again. Either way neither update is lost.
      outside ??= ref.update({ n: FieldValue.increment(100) });
      await Promise.race([outside, new Promise((resolve) => setTimeout(resolve, 200))]);
      tx.update(ref, { n: n + 1 });
    });
    await outside;
    expect((await ref.get()).get("n")).toBe(101);
  });

  it("lets exactly one of two transactions that saw a document missing create it", async () => {
    const ref = col().doc("once");
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          if (snap.exists) return "saw-it";
          tx.create(ref, { by: i });
          return "created";
        }),
      ),
    );
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
  });

  it("creates a document once under 50 concurrent create() calls", async () => {
    const ref = col().doc("race");
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => ref.create({ i })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === "rejected")) {
      expect((r.reason as { code?: number }).code).toBe(6);
    }
  });

  it("applies a batch atomically: a failed create writes none of the others", async () => {
    const c = col();
    await c.doc("exists").set({ v: 1 });
    const batch = db.batch();
    batch.set(c.doc("first"), { v: 1 });
    batch.create(c.doc("exists"), { v: 2 });
    await expect(batch.commit()).rejects.toMatchObject({ code: 6 });
    expect((await c.doc("first").get()).exists).toBe(false);
  });

  it("sets every server timestamp and increment of one write", async () => {
    const ref = col().doc("stamps");
    const before = Date.now();
    await ref.set({ a: FieldValue.serverTimestamp(), b: FieldValue.serverTimestamp(), n: FieldValue.increment(2) });
    await ref.set({ n: FieldValue.increment(3), c: FieldValue.serverTimestamp() }, { merge: true });
    const data = (await ref.get()).data()!;
    for (const key of ["a", "b", "c"]) {
      expect(data[key]).toBeInstanceOf(Timestamp);
      expect((data[key] as Timestamp).toMillis()).toBeGreaterThanOrEqual(before - 1000);
    }
    expect(data.n).toBe(5);
  });

  it("honours lastUpdateTime preconditions", async () => {
    const ref = col().doc("versioned");
    const first = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    await expect(ref.delete({ lastUpdateTime: first.writeTime })).rejects.toMatchObject({ code: 9 });
    const current = (await ref.get()).updateTime!;
    await ref.delete({ lastUpdateTime: current });
    expect((await ref.get()).exists).toBe(false);
  });

  it("replaces a document on set() without merge", async () => {
    const ref = col().doc("replace");
    await ref.set({ a: 1, b: 2 });
    await ref.set({ a: 3 });
    expect((await ref.get()).data()).toEqual({ a: 3 });
  });

  it("deletes the fields a write's mask names and its data leaves out", async () => {
    const ref = col().doc("masked");
    await ref.set({ a: 1, b: 2, c: 3, d: { e: 4, f: 5 } });
    await ref.update({ b: FieldValue.delete(), "d.e": FieldValue.delete() });
    await ref.set({ c: FieldValue.delete() }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: 1, d: { f: 5 } });
  });

  it("merges and deletes fields whose names need quoting in a field path", async () => {
    const ref = col().doc("quoted");
    await ref.set({ keep: 1, byRun: { x: 1 } });
    // Run ids such as "x:acct" are map keys that field paths quote (`x:acct`).
    await ref.set({ "a.b": "dotted", byRun: { "x:acct": 2, "li-1": 3 } }, { merge: true });
    expect((await ref.get()).data()).toEqual({ keep: 1, "a.b": "dotted", byRun: { x: 1, "x:acct": 2, "li-1": 3 } });
    await ref.update(new FieldPath("byRun", "x:acct"), FieldValue.delete(), new FieldPath("a.b"), FieldValue.delete());
    expect((await ref.get()).data()).toEqual({ keep: 1, byRun: { x: 1, "li-1": 3 } });
  });

  it("applies transforms inside maps and at dotted paths", async () => {
    const ref = col().doc("nested-transforms");
    const before = Date.now();
    await ref.set({ top: "text", meta: { at: FieldValue.serverTimestamp(), n: FieldValue.increment(1) } });
    await ref.update({ "meta.n": FieldValue.increment(2), "meta.seen": FieldValue.serverTimestamp() });
    // increment on a field that is not a number sets it to the operand.
    await ref.update({ top: FieldValue.increment(1.5) });
    const data = (await ref.get()).data()!;
    expect(data.top).toBe(1.5);
    expect(data.meta.n).toBe(3);
    for (const key of ["at", "seen"])
      expect((data.meta[key] as Timestamp).toMillis()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("applies arrayUnion and arrayRemove, to missing fields too", async () => {
    const ref = col().doc("arrays");
    await ref.set({ tags: ["a", "b"] });
    await ref.update({
      tags: FieldValue.arrayUnion("b", "c", "c"),
      fresh: FieldValue.arrayUnion("x", "x"),
      none: FieldValue.arrayRemove("y"),
    });
    expect((await ref.get()).data()).toEqual({ tags: ["a", "b", "c"], fresh: ["x"], none: [] });
    await ref.update({ tags: FieldValue.arrayRemove("a", "c") });
    expect((await ref.get()).get("tags")).toEqual(["b"]);
  });

  it("filters and orders on fields inside maps", async () => {
    const c = col();
    await Promise.all([
      c.doc("a").set({ meta: { kind: "x", rank: 2 } }),
      c.doc("b").set({ meta: { kind: "x", rank: 1 } }),
      c.doc("c").set({ meta: { kind: "y", rank: 0 } }),
      c.doc("d").set({ meta: "not a map" }),
    ]);
    const snap = await c.where("meta.kind", "==", "x").orderBy("meta.rank").get();
    expect(snap.docs.map((d) => d.id)).toEqual(["b", "a"]);
  });

  it("answers equality + range queries in order, and collection-group queries", async () => {
    const c = col();
    const t = (ms: number) => Timestamp.fromMillis(1_700_000_000_000 + ms);
    await Promise.all([
      c.doc("a").set({ status: "queued", createdAt: t(30) }),
      c.doc("b").set({ status: "queued", createdAt: t(10) }),
      c.doc("c").set({ status: "done", createdAt: t(5) }),
      c.doc("d").set({ status: "queued", createdAt: t(99) }),
    ]);
    const snap = await c
      .where("status", "==", "queued")
      .where("createdAt", "<", t(50))
      .orderBy("createdAt")
      .limit(5)
      .get();
    expect(snap.docs.map((d) => d.id)).toEqual(["b", "a"]);

    const group = `runs-${randomUUID()}`;
    await Promise.all([
      c.doc("a").collection(group).doc("x").set({ status: "processing" }),
      c.doc("b").collection(group).doc("y").set({ status: "processing" }),
      c.doc("b").collection(group).doc("z").set({ status: "queued" }),
    ]);
    const runs = await db.collectionGroup(group).where("status", "==", "processing").get();
    expect(runs.docs.map((d) => d.ref.path).sort()).toEqual([`${c.id}/a/${group}/x`, `${c.id}/b/${group}/y`]);
  });

  it("pages with cursors on (time desc, document id desc) and honours offset", async () => {
    const c = col();
    const t = (ms: number) => Timestamp.fromMillis(1_700_000_000_000 + ms);
    // Two documents share a time: only the document id breaks the tie.
    await Promise.all([
      c.doc("a").set({ u: "me", at: t(10) }),
      c.doc("b").set({ u: "me", at: t(20) }),
      c.doc("c").set({ u: "me", at: t(20) }),
      c.doc("d").set({ u: "me", at: t(30) }),
      c.doc("e").set({ u: "other", at: t(25) }),
    ]);
    const base = c.where("u", "==", "me").orderBy("at", "desc").orderBy(FieldPath.documentId(), "desc");
    const page1 = await base.limit(2).get();
    expect(page1.docs.map((d) => d.id)).toEqual(["d", "c"]);
    const page2 = await base.startAfter(t(20), "c").limit(2).get();
    expect(page2.docs.map((d) => d.id)).toEqual(["b", "a"]);
    expect((await base.startAt(t(20), "c").limit(1).get()).docs.map((d) => d.id)).toEqual(["c"]);
    expect((await base.endBefore(t(20), "b").get()).docs.map((d) => d.id)).toEqual(["d", "c"]);
    expect((await base.offset(3).get()).docs.map((d) => d.id)).toEqual(["a"]);
  });

  it("counts a range with an aggregation query", async () => {
    const c = col();
    const t = (ms: number) => Timestamp.fromMillis(1_700_000_000_000 + ms);
    await Promise.all([5, 15, 25, 35].map((ms, i) => c.doc(`h${i}`).set({ k: "x", at: t(ms) })));
    const snap = await c.where("k", "==", "x").where("at", ">", t(10)).where("at", "<=", t(30)).count().get();
    expect(snap.data().count).toBe(2);
  });
});
