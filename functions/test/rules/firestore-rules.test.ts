/**
 * firestore.rules against a rules-capable Firestore emulator (Google's, which needs Java): run with
 * `npm run test:rules` from the repository root, which starts it through `firebase emulators:exec`.
 * The embedded Node emulator used by `npm test` does not evaluate rules, so this suite skips there.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { doc, getDoc, setDoc, collection, getDocs, query, where, deleteDoc } from "firebase/firestore";

const host = process.env.FIRESTORE_EMULATOR_HOST;
const suite = host ? describe : describe.skip;
if (!host) console.warn("test:rules skipped: FIRESTORE_EMULATOR_HOST (a rules-capable emulator) is not set");

suite("firestore.rules", () => {
  let env: RulesTestEnvironment;

  beforeAll(async () => {
    const [hostname, port] = (host ?? "127.0.0.1:8080").split(":");
    env = await initializeTestEnvironment({
      projectId: "demo-postcast-rules",
      firestore: {
        host: hostname,
        port: Number(port),
        rules: readFileSync(path.resolve(__dirname, "../../../firestore.rules"), "utf8"),
      },
    });
    await env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore();
      await setDoc(doc(db, "users/alice"), { email: "a@example.test" });
      await setDoc(doc(db, "users/alice/subscription/current"), { status: "active" });
      await setDoc(doc(db, "users/alice/integrations/x/accounts/x_main"), { platform: "x", status: "active" });
      await setDoc(doc(db, "users/alice/apiRequests/req_1"), { method: "POST" });
      await setDoc(doc(db, "users/alice/idempotencyKeys/h_1"), { fingerprint: "f" });
      await setDoc(doc(db, "postSubmissions/p1"), { userId: "alice", status: "queued" });
      await setDoc(doc(db, "postSubmissions/p1/runs/x"), { status: "queued" });
      await setDoc(doc(db, "postSubmissions/p2"), { userId: "bob", status: "queued" });
      await setDoc(doc(db, "postSubmissions/p2/runs/x"), { status: "queued" });
      await setDoc(doc(db, "apiKeys/abc"), { userId: "alice" });
      await setDoc(doc(db, "rateLimits/s1/hits/h1"), { at: 1 });
      await setDoc(doc(db, "credentials/c1"), { userId: "alice", sealed: { ciphertext: "…" } });
      await setDoc(doc(db, "accountUsage/a1/publishes/p1"), { at: 1 });
      await setDoc(doc(db, "deadLetters/d1"), { userId: "alice" });
      await setDoc(doc(db, "oauthStates/s1"), { userId: "alice", codeVerifier: "v" });
      await setDoc(doc(db, "users/alice/media/m1"), { url: "https://…", contentType: "image/jpeg" });
      await setDoc(doc(db, "users/alice/mediaRequests/k1"), { mediaId: "m1" });
      await setDoc(doc(db, "users/alice/mediaUploads/u1"), { uploadUrl: "https://…" });
      await setDoc(doc(db, "mediaRetention/m1"), { userId: "alice" });
      await setDoc(doc(db, "accountSelections/sel1"), { userId: "alice", sealed: { ciphertext: "…" } });
      await setDoc(doc(db, "pendingConnections/pc1"), { userId: "alice", sealed: { ciphertext: "…" } });
    });
  });
  afterAll(() => env.cleanup());

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("lets a user read their own user tree, submissions and runs", async () => {
    await assertSucceeds(getDoc(doc(alice(), "users/alice")));
    await assertSucceeds(getDoc(doc(alice(), "users/alice/subscription/current")));
    await assertSucceeds(getDoc(doc(alice(), "users/alice/integrations/x/accounts/x_main")));
    await assertSucceeds(getDoc(doc(alice(), "users/alice/apiRequests/req_1")));
    await assertSucceeds(getDoc(doc(alice(), "users/alice/media/m1")));
    await assertSucceeds(getDoc(doc(alice(), "postSubmissions/p1")));
    await assertSucceeds(getDoc(doc(alice(), "postSubmissions/p1/runs/x")));
    await assertSucceeds(getDocs(query(collection(alice(), "postSubmissions"), where("userId", "==", "alice"))));
  });

  it("hides other users' data and everything internal", async () => {
    await assertFails(getDoc(doc(bob(), "users/alice")));
    await assertFails(getDoc(doc(bob(), "postSubmissions/p1")));
    await assertFails(getDoc(doc(bob(), "postSubmissions/p1/runs/x")));
    await assertFails(getDocs(collection(bob(), "postSubmissions")));
    await assertFails(getDoc(doc(alice(), "users/alice/idempotencyKeys/h_1")));
    await assertFails(getDoc(doc(alice(), "apiKeys/abc")));
    await assertFails(getDoc(doc(alice(), "rateLimits/s1/hits/h1")));
    await assertFails(getDoc(doc(alice(), "credentials/c1")));
    await assertFails(getDocs(query(collection(alice(), "credentials"), where("userId", "==", "alice"))));
    await assertFails(getDoc(doc(alice(), "accountUsage/a1/publishes/p1")));
    await assertFails(getDoc(doc(alice(), "deadLetters/d1")));
    await assertFails(getDoc(doc(alice(), "oauthStates/s1")));
    await assertFails(getDoc(doc(bob(), "users/alice/media/m1")));
    await assertFails(getDoc(doc(alice(), "users/alice/mediaRequests/k1")));
    await assertFails(getDoc(doc(alice(), "users/alice/mediaUploads/u1")));
    await assertFails(getDoc(doc(alice(), "mediaRetention/m1")));
    await assertFails(getDoc(doc(alice(), "accountSelections/sel1")));
    await assertFails(getDocs(query(collection(alice(), "accountSelections"), where("userId", "==", "alice"))));
    await assertFails(getDoc(doc(alice(), "pendingConnections/pc1")));
    await assertFails(getDocs(query(collection(alice(), "pendingConnections"), where("userId", "==", "alice"))));
    await assertFails(getDoc(doc(anonymous(), "postSubmissions/p1")));
    await assertFails(getDoc(doc(anonymous(), "users/alice")));
  });

  it("lets no client write anything", async () => {
    await assertFails(setDoc(doc(alice(), "users/alice"), { role: "admin" }));
    await assertFails(setDoc(doc(alice(), "postSubmissions/p1"), { userId: "alice", status: "canceled" }));
    await assertFails(deleteDoc(doc(alice(), "postSubmissions/p1")));
    await assertFails(setDoc(doc(alice(), "apiKeys/new"), { userId: "alice" }));
    await assertFails(setDoc(doc(alice(), "users/alice/integrations/x/accounts/x_new"), { status: "active" }));
  });
});
