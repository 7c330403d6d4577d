/**
 * firestore.rules on Google's Firestore emulator (the embedded Node emulator does not evaluate
 * rules). `npm run test:rules` (part of `npm test`) starts it and sets FIRESTORE_EMULATOR_HOST.
 * Every collection in src/store/collections.ts is covered (test/rules/coverage.ts): a signed-in
 * user reads their own dashboard documents and nothing of another user's, server-only collections
 * are unreadable even to their owner, and no client writes anything.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  collection,
  collectionGroup,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  query,
  setDoc,
  setLogLevel,
  updateDoc,
  where,
  type Query,
} from "firebase/firestore";
import { COLLECTIONS } from "../../src/store/collections";
import { RULES_COVERAGE, collectionOf, type Coverage } from "./coverage";

const host = process.env.FIRESTORE_EMULATOR_HOST;
if (!host) {
  throw new Error("FIRESTORE_EMULATOR_HOST is not set: run these with `npm run test:rules` (Google's emulator)");
}
// The SDK logs every refused request as a warning; the assertions say what matters.
setLogLevel("silent");

/** alice and bob have a document in every collection; carol (signed in) and dave have none. */
const [ALICE, BOB, CAROL, DAVE] = ["alice", "bob", "carol", "dave"];
const entries = Object.entries(RULES_COVERAGE) as [string, Coverage][];
const ownerRead = entries.filter(([, c]) => c.readers === "owner");
const serverOnly = entries.filter(([, c]) => c.readers === "server");

type ClientDb = ReturnType<RulesTestContext["firestore"]>;

/** The query that lists `uid`'s documents of a collection, as a dashboard would ask for them. */
function listOf(db: ClientDb, coverage: Coverage, uid: string): Query | null {
  const { path: parent } = collectionOf(coverage.doc(uid));
  if (parent.includes("/")) return collection(db, parent); // a subcollection of the user's
  if (parent === COLLECTIONS.users) return null; // profiles are read one by one
  return query(collection(db, parent), where("userId", "==", uid));
}

describe("firestore.rules", () => {
  let env: RulesTestEnvironment;
  // One client per user for the whole file: a new one per request would reconnect every time.
  const clients = new Map<string, ClientDb>();
  const client = (uid: string | null, make: () => ClientDb) => {
    const key = uid ?? "";
    if (!clients.has(key)) clients.set(key, make());
    return clients.get(key)!;
  };
  const signedIn = (uid: string) => client(uid, () => env.authenticatedContext(uid).firestore());
  const signedOut = () => client(null, () => env.unauthenticatedContext().firestore());

  beforeAll(async () => {
    const [hostname, port] = host.split(":");
    env = await initializeTestEnvironment({
      projectId: "demo-postcast-rules",
      firestore: {
        host: hostname,
        port: Number(port),
        rules: readFileSync(path.resolve(__dirname, "../../../firestore.rules"), "utf8"),
      },
    });
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore();
      for (const [, coverage] of entries) {
        for (const uid of [ALICE, BOB]) await setDoc(doc(db, coverage.doc(uid)), coverage.data(uid));
      }
    });
  });
  afterAll(() => env.cleanup());

  it("covers every collection named in src/store/collections.ts", () => {
    expect(Object.keys(RULES_COVERAGE).sort()).toEqual(Object.keys(COLLECTIONS).sort());
    for (const [key, coverage] of entries) {
      expect(collectionOf(coverage.doc(ALICE)).id).toBe(COLLECTIONS[key as keyof typeof COLLECTIONS]);
    }
  });

  describe.each(ownerRead)("%s (read by its owner)", (_name, coverage) => {
    it("its owner reads their document and lists exactly their own", async () => {
      const snap = await assertSucceeds(getDoc(doc(signedIn(ALICE), coverage.doc(ALICE))));
      expect(snap.data()).toEqual(coverage.data(ALICE));
      const list = listOf(signedIn(ALICE), coverage, ALICE);
      if (list) {
        const docs = (await assertSucceeds(getDocs(list))).docs;
        expect(docs.map((d) => d.ref.path)).toEqual([coverage.doc(ALICE)]);
      }
    });

    it("no other user, and no one signed out, reads or lists it", async () => {
      await assertFails(getDoc(doc(signedIn(BOB), coverage.doc(ALICE))));
      await assertFails(getDoc(doc(signedIn(CAROL), coverage.doc(ALICE))));
      await assertFails(getDoc(doc(signedOut(), coverage.doc(ALICE))));
      const list = listOf(signedIn(BOB), coverage, ALICE);
      if (list) await assertFails(getDocs(list));
      const anonymousList = listOf(signedOut(), coverage, ALICE);
      if (anonymousList) await assertFails(getDocs(anonymousList));
    });
  });

  describe.each(serverOnly)("%s (server only)", (_name, coverage) => {
    it("no client reads or lists it, not even its owner", async () => {
      await assertFails(getDoc(doc(signedIn(ALICE), coverage.doc(ALICE))));
      await assertFails(getDoc(doc(signedIn(BOB), coverage.doc(ALICE))));
      await assertFails(getDoc(doc(signedOut(), coverage.doc(ALICE))));
      await assertFails(getDocs(listOf(signedIn(ALICE), coverage, ALICE)!));
      await assertFails(getDocs(collection(signedIn(ALICE), collectionOf(coverage.doc(ALICE)).path)));
    });
  });

  describe.each(entries)("%s", (_name, coverage) => {
    it("no client creates, updates or deletes a document, its own or another user's", async () => {
      await assertFails(setDoc(doc(signedIn(CAROL), coverage.doc(CAROL)), coverage.data(CAROL)));
      await assertFails(setDoc(doc(signedIn(CAROL), coverage.doc(DAVE)), coverage.data(DAVE)));
      await assertFails(setDoc(doc(signedOut(), coverage.doc(DAVE)), coverage.data(DAVE)));
      for (const actor of [ALICE, BOB]) {
        await assertFails(updateDoc(doc(signedIn(actor), coverage.doc(ALICE)), { touched: true }));
        await assertFails(setDoc(doc(signedIn(actor), coverage.doc(ALICE)), { userId: actor }, { merge: true }));
        await assertFails(deleteDoc(doc(signedIn(actor), coverage.doc(ALICE))));
      }
      await env.withSecurityRulesDisabled(async (ctx) => {
        const after = await getDoc(doc(ctx.firestore(), coverage.doc(ALICE)));
        expect(after.data()).toEqual(coverage.data(ALICE));
      });
    });
  });

  it("lists submissions only for a query that asks for the user's own", async () => {
    const submissions = collection(signedIn(ALICE), COLLECTIONS.postSubmissions);
    await assertSucceeds(getDocs(query(submissions, where("userId", "==", ALICE))));
    await assertFails(getDocs(submissions));
    await assertFails(getDocs(query(submissions, where("userId", "==", BOB))));
    await assertFails(getDocs(query(submissions, where("userId", "in", [ALICE, BOB]))));
    await assertFails(getDocs(query(submissions, where("status", "==", "queued"))));
  });

  it("refuses every collection-group query", async () => {
    for (const [, coverage] of entries) {
      const group = collectionGroup(signedIn(ALICE), collectionOf(coverage.doc(ALICE)).id);
      await assertFails(getDocs(group));
    }
    await assertFails(
      getDocs(query(collectionGroup(signedIn(ALICE), "postSubmissions"), where("userId", "==", ALICE))),
    );
  });

  it("lists no one's profiles", async () => {
    await assertFails(getDocs(collection(signedIn(ALICE), COLLECTIONS.users)));
  });
});
