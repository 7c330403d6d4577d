/**
 * Reads the shell commands a document prints (the README's ```sh blocks, the banner's indented
 * lines) into statements, and what each curl among them is documented to answer, so
 * docs-commands.test.ts can run them as printed and check them.
 *
 * The convention the documents follow: a curl is followed by a comment with the answer, on its
 * last line or the comment lines right after it: `# 202 {"postSubmissionId":"…"}` (the status,
 * then JSON whose plain fields the answer must hold; `"…"` stands for any value and `"ab…"` for
 * one starting `ab`), `# 200, the same object` (the status and prose), or `# 400 \`Bad Request\``
 * (text the body contains). A curl with no such comment must answer 2xx. `# not run: <why>` marks
 * a command the local stack cannot answer.
 */

export interface Expectation {
  status: number | null;
  json: string | null;
  text: string | null;
}

export interface Statement {
  source: string;
  line: number;
  code: string;
  comments: string[];
  kind: "curl" | "assign" | "function" | "npm" | "other";
  notRun: string | null;
  expect: Expectation | null;
}

/** The ```sh / ```bash blocks of a Markdown document, with the line each starts on. */
export function shellBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  let block: { line: number; lines: string[] } | null = null;
  markdown.split("\n").forEach((text, i) => {
    if (block && text.startsWith("```")) {
      blocks.push({ line: block.line, code: block.lines.join("\n") });
      block = null;
    } else if (block) block.lines.push(text);
    else if (/^```(sh|bash|shell)\s*$/.test(text)) block = { line: i + 2, lines: [] };
  });
  return blocks;
}

/** The banner's commands: its lines indented under "Try it", prose lines left out (blank). */
export function bannerBlock(banner: string): { line: number; code: string } {
  const lines = banner.split("\n");
  const from = lines.findIndex((l) => l.startsWith("Try it"));
  const to = lines.findIndex((l) => l.startsWith("Emulator logs"));
  if (from < 0 || to < 0) throw new Error("the banner has no 'Try it' section");
  const code = lines
    .slice(from + 1, to)
    .map((l) => (l.startsWith("  ") ? l.slice(2) : ""))
    .join("\n");
  return { line: from + 2, code };
}

/** Where a line's trailing `# comment` starts (outside quotes), or -1. */
function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(line.charAt(i - 1)))) return i;
  }
  return -1;
}

/** Whether the text leaves a quote or a `$(` open (the statement goes on past the line). */
function open(text: string): boolean {
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === "\\") i++;
    else if (c === '"') quote = quote ? null : '"';
    else if (quote === null && c === "'") quote = "'";
    else if (c === "$" && text[i + 1] === "(") {
      depth++;
      i++;
    } else if (c === ")" && depth > 0) depth--;
  }
  return quote !== null || depth > 0;
}

function kindOf(code: string): Statement["kind"] {
  if (/^[A-Za-z_]\w*\(\)\s*\{/.test(code)) return "function";
  if (/^(\$\(\s*)?curl\s/.test(code) || /^[A-Za-z_]\w*=\$\(\s*curl\s/.test(code)) return "curl";
  if (/^[A-Za-z_]\w*=/.test(code)) return "assign";
  if (/^npm run (watch|id-token|connect)\b/.test(code)) return "npm";
  return "other";
}

export function parseExpectation(comments: string[]): Expectation | null {
  const first = comments.findIndex((c) => /^\d{3}\b/.test(c));
  if (first < 0) return null;
  const text = comments.slice(first).join(" ");
  const status = Number(text.slice(0, 3));
  const rest = text.slice(3).trim();
  if (rest.startsWith("{") || rest.startsWith("[")) return { status, json: rest, text: null };
  const quoted = /^`([^`]+)`/.exec(rest);
  return { status, json: null, text: quoted?.[1] ?? null };
}

/** Where a heredoc's body starts and what ends it, in the statement's lines so far. */
function heredocOf(parts: string[]): { from: number; end: string } | null {
  for (const [k, part] of parts.entries()) {
    const marker = /<<-?\s*['"]?(\w+)['"]?/.exec(
      part.slice(0, commentStart(part) >= 0 ? commentStart(part) : undefined),
    );
    if (marker?.[1]) return { from: k + 1, end: marker[1] };
  }
  return null;
}

/** One block's statements: lines joined over `\`, open quotes, `$(` and heredocs; comments attached. */
export function statements(source: string, block: { line: number; code: string }): Statement[] {
  const out: Statement[] = [];
  const lines = block.code.split("\n");
  let attached = false;
  let i = 0;
  const take = () => lines[i++] ?? "";
  while (i < lines.length) {
    const line = block.line + i;
    const raw = take();
    if (!raw.trim()) {
      attached = false;
      continue;
    }
    if (raw.trim().startsWith("#")) {
      // A comment right under a command is its answer; one after a blank line is prose.
      if (attached) out.at(-1)?.comments.push(raw.trim().replace(/^#\s?/, ""));
      continue;
    }
    attached = true;
    const parts = [raw];
    for (;;) {
      const heredoc = heredocOf(parts);
      const ended = heredoc ? parts.slice(heredoc.from).findIndex((p) => p.trim() === heredoc.end) : -1;
      if (heredoc && ended < 0 && i < lines.length) {
        parts.push(take());
        continue;
      }
      const last = parts.at(-1) ?? "";
      const hash = commentStart(last);
      const code = hash >= 0 ? last.slice(0, hash) : last;
      // What the shell parses: a heredoc's body is data, its quotes do not count.
      const shell = [...parts.slice(0, -1), code].filter(
        (_, k) => !heredoc || k < heredoc.from || k >= heredoc.from + ended,
      );
      if ((/\\\s*$/.test(code) || open(shell.join("\n"))) && i < lines.length) {
        parts.push(take());
        continue;
      }
      break;
    }
    const last = parts.at(-1) ?? "";
    const hash = commentStart(last);
    const comments = hash >= 0 ? [last.slice(hash + 1).trim()] : [];
    if (hash >= 0) parts[parts.length - 1] = last.slice(0, hash).trimEnd();
    const code = parts.join("\n");
    out.push({ source, line, code, comments, kind: kindOf(code.trim()), notRun: null, expect: null });
  }
  for (const s of out) {
    const marker = s.comments.map((c) => /^not run: (.+)/.exec(c)?.[1]).find(Boolean);
    s.notRun = marker ?? null;
    s.expect = parseExpectation(s.comments);
  }
  return out;
}

/** The plain fields an expected answer names: `"key": value` where value is a JSON scalar. */
export function expectedFields(json: string): { key: string; value: unknown }[] {
  const fields: { key: string; value: unknown }[] = [];
  const re = /"([^"]+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g;
  for (const [, key = "", value = "null"] of json.matchAll(re))
    fields.push({ key, value: JSON.parse(value) as unknown });
  return fields;
}

/** Whether some object in the answer holds `key` with a value the expected one describes. */
export function holds(answer: unknown, key: string, expected: unknown): boolean {
  const matches = (actual: unknown) => {
    if (typeof expected !== "string" || !expected.includes("…"))
      return JSON.stringify(actual) === JSON.stringify(expected);
    const prefix = expected.slice(0, -1);
    // "…" is any value; "ab…" a string starting "ab"; "a…b…" (an elided production URL, say) any value.
    if (expected.indexOf("…") === expected.length - 1 && prefix)
      return typeof actual === "string" && actual.startsWith(prefix);
    return actual !== undefined;
  };
  const walk = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(walk);
    if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (key in record && matches(record[key])) return true;
      return Object.values(record).some(walk);
    }
    return false;
  };
  return walk(answer);
}
