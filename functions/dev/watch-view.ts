/**
 * What `npm run watch` prints for a submission and its runs, from the documents as Firestore holds
 * them: a status line per platform, then a line per run saying what it got or what it waits for
 * ("processing at Instagram, next check in 45 s", upload progress, pacing, a retry's backoff).
 */
import { PLATFORM_NAMES, isPlatform } from "../src/domain/platforms";
import { megabytes } from "../src/domain/run-waiting";

const MARK: Record<string, string> = {
  pending: "·",
  queued: "…",
  processing: "⟳",
  succeeded: "✓",
  failed: "✗",
  unknown: "?",
  canceled: "⊘",
};

interface Instant {
  toDate(): Date;
}

export interface WatchedRun {
  platform?: unknown;
  status?: unknown;
  attempts?: unknown;
  platformPostId?: unknown;
  permalink?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
  waiting?: {
    reason?: unknown;
    message?: unknown;
    until?: Instant | null;
    progress?: { sentBytes: number; totalBytes: number };
  } | null;
}

export interface WatchedSubmission {
  status?: unknown;
  summary?: unknown;
  targets?: { runId: string }[];
}

/** `in 45 s`, `in 4 min 10 s`, `in 2 h 5 min`; `now` once the time has come. */
export function countdown(until: Date, now: Date): string {
  const seconds = Math.ceil((until.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 90) return `in ${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  return `in ${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

function platformName(run: WatchedRun, runId: string): string {
  const platform = String(run.platform ?? runId);
  return isPlatform(platform) ? PLATFORM_NAMES[platform] : platform;
}

/** The run's line after its status: what it got, or what it waits for and until when. */
function detail(runId: string, run: WatchedRun, when: (until: Date) => string): string {
  if (run.status === "succeeded") return `${String(run.platformPostId)} ${String(run.permalink ?? "")}`.trim();
  const error = run.error ? `${String(run.error.code)}: ${String(run.error.message)}` : "";
  const w = run.waiting;
  if (!w) return error;
  const name = platformName(run, runId);
  const until = w.until ? when(w.until.toDate()) : "";
  switch (w.reason) {
    case "platform_processing":
      return `processing at ${name}, next check ${until} (${String(w.message)})`;
    case "uploading": {
      if (!w.progress) return String(w.message);
      const percent = w.progress.totalBytes ? Math.floor((100 * w.progress.sentBytes) / w.progress.totalBytes) : 0;
      return `uploading to ${name}: ${megabytes(w.progress)} (${percent} %)`;
    }
    case "pacing":
      return `pacing, sent ${until}: ${String(w.message)}`;
    case "rate_limited":
      return `rate limited by ${name}, next try ${until} (${error})`;
    case "retry_backoff":
      return `next try ${until}; ${String(w.message)}`;
    default:
      return [String(w.message), error].filter(Boolean).join(" ");
  }
}

/**
 * The lines for one look at the documents. `when` words a wait's end: a countdown from now for
 * people, or the time itself, to tell whether anything changed since the last look.
 */
export function watchLines(
  id: string,
  submission: WatchedSubmission,
  runs: ReadonlyMap<string, WatchedRun>,
  when: (until: Date) => string,
): string[] {
  const targets = submission.targets ?? [];
  const statusLine = targets
    .map((t) => {
      const status = String(runs.get(t.runId)?.status ?? (submission.status === "canceled" ? "canceled" : "pending"));
      return `${t.runId} ${MARK[status] ?? status} ${status}`;
    })
    .join(" | ");
  return [
    `${id}  ${String(submission.status)}  ${JSON.stringify(submission.summary)}`,
    `  ${statusLine}`,
    ...[...runs].map(([runId, run]) => {
      const line = `  ${runId.padEnd(24)} ${String(run.status).padEnd(11)} attempts=${String(run.attempts)}`;
      const more = detail(runId, run, when);
      return more ? `${line} ${more}` : line;
    }),
  ];
}
