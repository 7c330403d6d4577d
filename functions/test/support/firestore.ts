import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

export function testDb(): Firestore {
  const app =
    getApps().find((a) => a.name === "postcast-test") ?? initializeApp({ projectId: "demo-postcast" }, "postcast-test");
  return getFirestore(app);
}
