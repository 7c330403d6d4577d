/** Characters LinkedIn's "little text" format reserves; unescaped, LinkedIn cuts the text at the first. */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;

/**
 * A post's text in LinkedIn's little text format: every reserved character escaped, so nothing is
 * silently truncated, except hashtags, which become LinkedIn's hashtag template so they stay links.
 */
export function toLittleText(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/(^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu)) {
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    parts.push(escape(text.slice(last, start)), `{hashtag|\\#|${escape(match[2] ?? "")}}`);
    last = start + 1 + (match[2]?.length ?? 0);
  }
  parts.push(escape(text.slice(last)));
  return parts.join("");
}

function escape(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/** What LinkedIn shows for a little-text commentary: templates resolved, escapes removed. */
export function fromLittleText(commentary: string): string {
  return commentary
    .replace(/\{hashtag\|\\#\|((?:\\.|[^}])*)\}/g, (_m, tag: string) => `#${tag}`)
    .replace(/\\(.)/g, "$1");
}
