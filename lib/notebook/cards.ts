import type { Dataset, DatasetV2, Organization, Resource } from "../catalog/models.ts";
import type { ResourceProfile } from "../tabular/profile.ts";
import { profileColumns, topValues } from "../tabular/profile.ts";
import { isTabularResource } from "../tabular/api.ts";
import { displayable, escapeHtml, type RichBundle } from "./mime.ts";

/** Compact cards for catalog objects, with the links that matter. */

const link = (href: string | null | undefined, text: string) =>
  href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${escapeHtml(text)}</a>` : "";
const links = (...parts: string[]) => parts.filter(Boolean).join(" · ");

function sizeText(bytes: number | null | undefined): string {
  if (!bytes) return "";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) ((n /= 1000), i++);
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** A v1 dataset embeds its resources; a v2 one links to their paged list and says how many there are. */
export function datasetCard(dataset: Dataset | DatasetV2): RichBundle {
  const embedded = Array.isArray(dataset.resources) ? dataset.resources : [];
  const count = Array.isArray(dataset.resources) ? dataset.resources.length : (dataset.resources?.total ?? 0);
  const facts = [
    dataset.organization?.name ??
      (dataset.owner ? [dataset.owner.first_name, dataset.owner.last_name].filter(Boolean).join(" ") : ""),
    dataset.license && `licence ${dataset.license}`,
    dataset.frequency && `updated ${dataset.frequency}`,
    dataset.last_modified && `modified ${dataset.last_modified.slice(0, 10)}`,
    `${count} resource${count === 1 ? "" : "s"}`,
  ].filter(Boolean);
  const plain = [
    `${dataset.title} (${dataset.id})`,
    facts.join(" · "),
    ...embedded.map((r) => `- ${r.title} [${r.format ?? "?"}]${isTabularResource(r) ? " tabular" : ""}`),
  ].join("\n");
  const html =
    `<div class="datagouv-card"><h3>${escapeHtml(dataset.title)}</h3><p>${escapeHtml(facts.join(" · "))}</p>` +
    `<p>${links(link(dataset.page, "on data.gouv.fr"), link(dataset.organization?.page, "organization"), `<code>${escapeHtml(dataset.id)}</code>`)}</p>` +
    (embedded.length
      ? `<ul>${embedded.map((r) => `<li>${escapeHtml(r.title)} <small>${escapeHtml(links(r.format ?? "", sizeText(r.filesize), isTabularResource(r) ? "Tabular API" : ""))}</small> ${link(r.latest ?? r.url, "file")}</li>`).join("")}</ul>`
      : "") +
    `</div>`;
  return displayable({ "text/plain": plain, "text/html": html }, dataset);
}

export function resourceCard(resource: Resource): RichBundle {
  const facts = [
    resource.format,
    sizeText(resource.filesize),
    resource.type,
    resource.last_modified && `modified ${resource.last_modified.slice(0, 10)}`,
    isTabularResource(resource) ? "served by the Tabular API" : "not in the Tabular API",
  ].filter(Boolean);
  // `latest` is the permanent address of the current file; `url` may change with each upload
  const file = resource.latest ?? resource.url;
  return displayable(
    {
      "text/plain": `${resource.title} (${resource.id})\n${facts.join(" · ")}\n${file}`,
      "text/html":
        `<div class="datagouv-card"><h3>${escapeHtml(resource.title)}</h3><p>${escapeHtml(facts.join(" · "))}</p>` +
        `<p>${links(link(file, "download"), link(resource.preview_url, "preview"), link(resource.schema?.url, `schema ${resource.schema?.name ?? ""}`.trim()), `<code>${escapeHtml(resource.id)}</code>`)}</p></div>`,
    },
    resource,
  );
}

export function organizationCard(organization: Organization): RichBundle {
  const badges = (organization.badges ?? []).map((b) => b.kind).join(", ");
  const metrics = organization.metrics ?? {};
  const counts = ["datasets", "reuses", "dataservices", "followers"]
    .filter((k) => typeof metrics[k] === "number")
    .map((k) => `${(metrics[k] as number).toLocaleString("en")} ${metrics[k] === 1 ? k.slice(0, -1) : k}`);
  const facts = [organization.acronym, badges, ...counts].filter(Boolean).join(" · ");
  return displayable(
    {
      "text/plain": `${organization.name} (${organization.id})${facts ? `\n${facts}` : ""}`,
      "text/html":
        `<div class="datagouv-card"><h3>${escapeHtml(organization.name)}</h3><p>${escapeHtml(facts)}</p>` +
        `<p>${links(link(organization.page, "on data.gouv.fr"), link(organization.url, "website"), `<code>${escapeHtml(organization.id)}</code>`)}</p></div>`,
    },
    organization,
  );
}

/** A resource profile: per column, its type, missing values and top values. */
export function profileView(profile: ResourceProfile): RichBundle {
  const columns = profileColumns(profile.profile);
  const top = (c: (typeof columns)[number]) =>
    topValues(c.stats)
      .slice(0, 3)
      .map((t) => `${String(t.value)} (${t.count})`)
      .join(", ");
  const rows = profile.profile.total_lines;
  const head = `${rows === undefined ? "?" : rows.toLocaleString("en")} rows, ${columns.length} columns`;
  const plain = [
    head,
    ...columns.map(
      (c) =>
        `${c.name}: ${c.type} (${c.format}), ${c.stats?.nb_missing_values ?? 0} missing${top(c) ? `, top: ${top(c)}` : ""}`,
    ),
  ].join("\n");
  const html =
    `<div ` +
    `class="datagouv-profile"><p><strong>${escapeHtml(head)}</strong></p><table><thead><tr><th>column</th><th>type</th><th>format</th><th>missing</th><th>distinct</th><th>top ` +
    `values</th></tr></thead><tbody>` +
    columns
      .map(
        (c) =>
          `<tr><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.type)}</td><td>${escapeHtml(c.format)}</td><td>${c.stats?.nb_missing_values ?? 0}</td><td>${c.stats?.nb_distinct ?? ""}</td><td>${escapeHtml(top(c))}</td></tr>`,
      )
      .join("") +
    `</tbody></table></div>`;
  return displayable({ "text/plain": plain, "text/html": html }, profile);
}
