/**
 * Every relative link in README.md, docs/*.md and the TypeScript client's README resolves: the file
 * it names exists, and the heading its #anchor names is in that file (anchors as GitHub renders them).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../dev/local-config";

const documents = [
  "README.md",
  "clients/typescript/README.md",
  ...readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/**
 * GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces to
 * `-`, and `-1`, `-2`… for repeats (the rule of github-slugger, which is ESM-only and not worth
 * a loader for one line).
 */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, title = ""] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = title
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Each link's target with the line it is on: inline links `[text](target)`, images included. */
function links(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  prose(markdown)
    .split("\n")
    .forEach((text, i) => {
      for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
        found.push({ target, line: i + 1 });
    });
  return found;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

function brokenLinks(file: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
  return links(text).flatMap(({ target }) => {
    if (isExternal(target)) return [];
    const [filePart = "", anchor] = target.split("#", 2);
    const resolved = filePart ? path.join(path.dirname(path.join(REPO_ROOT, file)), decodeURI(filePart)) : null;
    if (resolved && !existsSync(resolved)) return [`${file}: ${target} (no such file)`];
    if (anchor === undefined) return [];
    const markdown = resolved ? (resolved.endsWith(".md") ? readFileSync(resolved, "utf8") : null) : text;
    if (markdown === null) return [];
    return anchors(markdown).has(decodeURIComponent(anchor)) ? [] : [`${file}: ${target} (no such heading)`];
  });
}

describe("links between the documents", () => {
  it("has a README and the docs it maps", () => {
    expect(documents).toEqual(expect.arrayContaining(["README.md", "docs/api.md", "docs/contract.md"]));
  });

  it.each(documents)("%s: every relative link and anchor resolves", (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it("reads anchors as GitHub renders them, so a broken one is caught", () => {
    const set = anchors("# API\n## POST /v1/posts\n## GET /v1/posts/{id}\n## Rate limits\n## Rate limits\n");
    expect([...set]).toEqual(["api", "post-v1posts", "get-v1postsid", "rate-limits", "rate-limits-1"]);
    expect(links("see [x](docs/api.md#errors) and `[y](z)`\n```\n[a](b)\n```")).toEqual([
      { target: "docs/api.md#errors", line: 1 },
    ]);
  });
});
