import path from "node:path";

/** The local defaults (docs/contract.md §1). */
export const LOCAL = {
  projectId: "demo-postcast",
  region: "us-central1",
  firestore: { host: "127.0.0.1", port: 8080 },
  functions: { host: "127.0.0.1", port: 5001 },
  tasks: { host: "127.0.0.1", port: 9499 },
  auth: { host: "127.0.0.1", port: 9099 },
} as const;

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const FIREBASE_BIN = path.join(REPO_ROOT, "node_modules", ".bin", "firebase");

export const apiBaseUrl = (functionsPort: number = LOCAL.functions.port) =>
  `http://${LOCAL.functions.host}:${functionsPort}/${LOCAL.projectId}/${LOCAL.region}/api`;
