import { FirestoreServer } from "@firestore-emulator/server";
import { freePort } from "./processes";

/** Document reads and writes seen by the emulator, for benchmarks. */
export interface EmulatorStats {
  reads: number;
  writes: number;
  /**
   * When set (a bench turns it on), every write's document path (within the database) and time,
   * for writes per document per second.
   */
  writeLog: { path: string; at: number }[] | null;
  reset(): void;
}

export interface EmbeddedFirestore {
  /** host:port, the value for FIRESTORE_EMULATOR_HOST. */
  host: string;
  port: number;
  stats: EmulatorStats;
  stop(): Promise<void>;
}

type StateInternals = {
  writeV1Document: (...args: unknown[]) => unknown;
  v1Query: (...args: unknown[]) => unknown[];
  /** Called by the patched BatchGetDocuments with the number of documents asked for. */
  noteReads: (count: number) => void;
  /** Set by the patched RunAggregationQuery while it evaluates its query. */
  aggregating?: boolean;
};

/**
 * Starts the in-process Firestore emulator (@firestore-emulator/server, with the fixes kept in
 * patches/functions) and counts document reads and writes where they happen: each write of a
 * commit, each document a query returns, each document a batch get asks for, and a count()
 * aggregation as Firestore bills it.
 */
export async function startFirestoreEmulator(
  options: { host?: string; port?: number } = {},
): Promise<EmbeddedFirestore> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const server = new FirestoreServer();
  const stats: EmulatorStats = {
    reads: 0,
    writes: 0,
    writeLog: null,
    reset() {
      this.reads = 0;
      this.writes = 0;
      if (this.writeLog) this.writeLog = [];
    },
  };
  const state = server.state as unknown as StateInternals;
  const write = state.writeV1Document.bind(state);
  state.writeV1Document = (...args) => {
    stats.writes += 1;
    if (stats.writeLog) {
      const write = args[1] as { has_delete?: boolean; delete?: string; update?: { name?: string } };
      const name = (write.has_delete ? write.delete : write.update?.name) ?? "";
      stats.writeLog.push({ path: name.replace(/^.*?\/documents\//, ""), at: performance.now() });
    }
    return write(...args);
  };
  const query = state.v1Query.bind(state);
  state.v1Query = (...args) => {
    const docs = query(...args);
    // Firestore bills a count() by index entries: one read per 1,000 (at least one).
    stats.reads += state.aggregating ? Math.max(Math.ceil(docs.length / 1000), 1) : Math.max(docs.length, 1);
    return docs;
  };
  state.noteReads = (count) => {
    stats.reads += count;
  };
  try {
    await server.start(port);
  } catch (error) {
    throw new Error(
      `cannot start the Firestore emulator on ${host}:${port} (${String(error)}); is another stack running?`,
    );
  }
  return {
    host: `${host}:${port}`,
    port,
    stats,
    stop: () => {
      server.stop();
      return Promise.resolve();
    },
  };
}
