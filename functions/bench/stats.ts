import { readFileSync } from "node:fs";

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs `op` `total` times with `concurrency` in flight; returns ops/s and latency percentiles (ms). */
export async function measure(total: number, concurrency: number, op: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(8);

/** Peak resident set size of this process so far (Linux VmHWM), in MiB. */
export function peakRssMb(): number {
  const line = readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : process.memoryUsage().rss / (1024 * 1024);
}

/**
 * Drops the app's own info lines (firebase-functions' logger writes each as one JSON object on
 * stdout: "submission dispatched", "run finished", …) from this process's output, so the tables
 * read cleanly when the app runs in-process. Warnings and errors go to stderr and are kept.
 */
export function quietAppInfoLogs(): void {
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const isInfo = (text: string) => /^\{.*"severity":"(INFO|DEBUG)".*\}\n?$/s.test(text);
  process.stdout.write = (chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "string" || !isInfo(chunk)) return write(chunk, ...rest);
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  };
}
