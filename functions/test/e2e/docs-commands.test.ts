/**
 * Every command the banner and the README (and any docs/*.md) print, run as printed against the
 * stack `npm start` runs: the banner's first, then each document's ```sh blocks in order, each in
 * one bash so the variables earlier steps set are there for later ones, as for a reader pasting
 * them into one terminal. Each curl's answer is checked against the comment after it (the
 * convention is in doc-script.ts). Only the commands listed in NOT_RUN are left out, with why.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../dev/local-config";
import { FIELD_FUNCTION } from "../../dev/shell-helpers";
import { bannerText } from "../../dev/stack";
import { runningStack } from "./running-stack";
import { bannerBlock, expectedFields, holds, shellBlocks, statements, type Statement } from "./doc-script";

jest.setTimeout(600_000);

/** Commands the documents print that this test does not run: none of them is a request to the API. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm install\b/, "installs; the test runs in an installed tree"],
  [/^npm start\b|^npm install && npm start\b/, "the test has started the stack already"],
  [/^npm test\b|^npm run test:rules\b/, "runs the test suites this test is part of"],
  [/^npm run keys\b/, "an operator's tool, shown with placeholders (<uid>)"],
  [/\bfirebase functions:secrets:set\b/, "sets a secret in a real project's Secret Manager"],
  [
    /^(WEBHOOK_SECRET=\S+ )?npm run webhooks:listen\b(?!.*&\s*$)/,
    "a receiver that runs until stopped (test/unit/dev/webhook-listener.test.ts); run when sent to the background",
  ],
];

const documents = () => {
  const docsDir = path.join(REPO_ROOT, "docs");
  const docs = existsSync(docsDir)
    ? readdirSync(docsDir)
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => path.join("docs", f))
    : [];
  return ["README.md", ...docs];
};

const notRunReason = (s: Statement) => s.notRun ?? NOT_RUN.find(([re]) => re.test(s.code.trim()))?.[1] ?? null;

interface Answer {
  step: number;
  status: number;
  body: string;
}

// Runs the statements in one bash, curl wrapped (a shell function of the same name) to record
// each answer's status and body under the number of the statement that sent it.
async function run(list: Statement[]): Promise<{ answers: Answer[]; started: number[]; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "docs-commands-"));
  const script = [
    "set -e -o pipefail",
    `__DIR='${dir}'`,
    `curl() {
  local out="$__DIR/body.$__STEP" code a own=
  for a in "$@"; do if [ "$a" = -o ]; then own=1; fi; done
  if [ -n "$own" ]; then code=$(command curl -w '%{http_code}' "$@") || true; : > "$out"
  else code=$(command curl -w '%{http_code}' -o "$out" "$@") || true; fi
  echo "$__STEP $code" >> "$__DIR/answers"
  if [ -z "$own" ]; then cat "$out"; fi
}`,
    ...list.flatMap((s, i) => (notRunReason(s) ? [] : [`__STEP=${i}; echo ${i} >> "$__DIR/started"`, s.code])),
  ].join("\n");
  const output = await new Promise<string>((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: REPO_ROOT, env: process.env, detached: true });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => {
      text += "\n[docs-commands: stopped after 240 s]";
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, 240_000);
    // What a document starts in the background (a webhook receiver) goes with the shell: the
    // group is stopped when bash exits, or "close" would wait for the receiver's stdout forever.
    child.on("exit", () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // the group is gone already
      }
    });
    child.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  const read = (f: string) => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), "utf8") : "");
  const answers = read("answers")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [step = -1, status = 0] = l.split(" ").map(Number);
      return { step, status, body: read(`body.${step}`) };
    });
  const started = read("started").split("\n").filter(Boolean).map(Number);
  rmSync(dir, { recursive: true, force: true });
  return { answers, started, output };
}

/** What is wrong with each curl's answer (empty when every one answers as documented). */
function check(list: Statement[], result: Awaited<ReturnType<typeof run>>): string[] {
  const problems: string[] = [];
  list.forEach((s, i) => {
    const where = `${s.source}:${s.line} ${s.code.split("\n")[0]}`;
    if (notRunReason(s)) return;
    if (!result.started.includes(i)) {
      problems.push(`${where}: never ran (an earlier command failed)`);
      return;
    }
    if (s.kind !== "curl") return;
    const answer = result.answers.filter((a) => a.step === i).at(-1);
    if (!answer) {
      problems.push(`${where}: sent no request`);
      return;
    }
    const expected = s.expect?.status;
    const statusOk = expected ? answer.status === expected : answer.status >= 200 && answer.status < 300;
    if (!statusOk)
      problems.push(`${where}: answered ${answer.status}, documented ${expected ?? "2xx"}: ${answer.body}`);
    if (s.expect?.text && !answer.body.includes(s.expect.text))
      problems.push(`${where}: body lacks ${JSON.stringify(s.expect.text)}: ${answer.body}`);
    if (s.expect?.json) {
      let body: unknown;
      try {
        body = JSON.parse(answer.body);
      } catch {
        problems.push(`${where}: answered no JSON: ${answer.body.slice(0, 300)}`);
        return;
      }
      for (const { key, value } of expectedFields(s.expect.json)) {
        if (!holds(body, key, value))
          problems.push(`${where}: answer has no "${key}": ${JSON.stringify(value)}: ${answer.body.slice(0, 600)}`);
      }
    }
  });
  return problems;
}

const stack = runningStack();

describe("the commands the banner and the docs print", () => {
  it("answer as documented, run as printed: the banner's, then each document's in order", async () => {
    const banner = statements("banner", bannerBlock(bannerText(stack.base, stack.logFile, stack.fakes.urls)));
    const docs = documents().flatMap((file) =>
      shellBlocks(readFileSync(path.join(REPO_ROOT, file), "utf8")).flatMap((block) => statements(file, block)),
    );
    // The banner's long commands print over several lines, continued with a backslash, as the README's do.
    expect(banner.filter((s) => s.code.includes("\\\n")).length).toBeGreaterThanOrEqual(3);
    // The README's `field` is the banner's, so what a reader learnt in one works in the other.
    expect(readFileSync(path.join(REPO_ROOT, "README.md"), "utf8")).toContain(FIELD_FUNCTION);
    const curls = [...banner, ...docs].filter((s) => s.kind === "curl");
    const skipped = [...banner, ...docs].filter(notRunReason);
    // Few commands are left out, and no curl but one marked `# not run: <why>` in the document.
    expect(skipped.filter((s) => s.kind === "curl" && !s.notRun).map((s) => s.code)).toEqual([]);
    console.log(
      `docs-commands: ${curls.length} curls (${curls.filter((s) => s.notRun).length} marked not run); not run: ${skipped
        .map((s) => `${s.source}:${s.line} (${notRunReason(s)})`)
        .join("; ")}`,
    );

    const bannerRun = await run(banner);
    const docsRun = await run(docs);
    const problems = [...check(banner, bannerRun), ...check(docs, docsRun)];
    if (problems.length) console.log(`banner output:\n${bannerRun.output}\n\ndocs output:\n${docsRun.output}`);
    expect(problems).toEqual([]);
    expect(bannerRun.answers.length).toBeGreaterThan(0);
    expect(docsRun.answers.length).toBeGreaterThan(20);
  });
});
