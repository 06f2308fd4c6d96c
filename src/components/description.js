import { html } from "htl";

/**
 * A dataset's Markdown description as plain HTML: headings, bullet lists, paragraphs and http(s) links. Only these few
 * forms are drawn; everything else stays text, escaped by htl, so a description can never inject markup.
 */
export function description(text) {
  const blocks = String(text ?? "")
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((b) => b.trim())
    .filter(Boolean);
  return html`<div class="description">${blocks.flatMap(block)}</div>`;
}

function block(text) {
  const lines = text.split("\n");
  const heading = /^#{1,6}\s+(.*)$/.exec(lines[0]);
  if (heading)
    return [html`<h4>${inline(heading[1])}</h4>`, ...(lines.length > 1 ? block(lines.slice(1).join("\n")) : [])];
  if (lines.every((line) => /^\s*[-*]\s+/.test(line)))
    return [
      html`<ul>
        ${lines.map((line) => html`<li>${inline(line.replace(/^\s*[-*]\s+/, ""))}</li>`)}
      </ul>`,
    ];
  return [html`<p>${lines.flatMap((line, i) => (i ? [html`<br />`, ...inline(line)] : inline(line)))}</p>`];
}

const LINK = /\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)|\*\*([^*]+)\*\*/g;

function inline(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    parts.push(text.slice(last, match.index));
    parts.push(
      match[2]
        ? html`<a href=${match[2]} rel="noopener">${match[1].replace(/\*\*/g, "")}</a>`
        : html`<strong>${match[3]}</strong>`,
    );
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
