import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { LOCAL } from "./local-config";

/**
 * The Firestore a command-line tool works on (npm run keys, subscriptions, watch): the local
 * stack's emulator unless a project is named; a demo- project always means an emulator (127.0.0.1:8080
 * unless FIRESTORE_EMULATOR_HOST says otherwise), a real one application default credentials.
 */
export function operatorFirestore(project: string | undefined): { db: Firestore; projectId: string; target: string } {
  const projectId = project ?? process.env.GOOGLE_CLOUD_PROJECT ?? LOCAL.projectId;
  if (projectId.startsWith("demo-")) {
    process.env.FIRESTORE_EMULATOR_HOST ??= `${LOCAL.firestore.host}:${LOCAL.firestore.port}`;
  }
  const target = process.env.FIRESTORE_EMULATOR_HOST ? `emulator ${process.env.FIRESTORE_EMULATOR_HOST}` : "Firestore";
  return { db: getFirestore(getApps()[0] ?? initializeApp({ projectId })), projectId, target };
}
