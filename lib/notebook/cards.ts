import type { Dataset, Organization, Resource } from "../catalog/models.ts";
import type { ResourceProfile } from "../tabular/profile.ts";
import { profileColumns } from "../tabular/profile.ts";
import { isTabularResource } from "../tabular/api.ts";
import { escapeHtml, rich, type Rich } from "./mime.ts";

/** Compact cards for catalog objects, with the links that matter. */

const link = (href: string | null | undefined, text: string) => (href ? `<a href="${escapeHtml(href)}" target="_blank">${escapeHtml(text)}</a>` : "");

function sizeText(bytes: number | null | undefined): string {
  if (!bytes) return "";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) (n /= 1000), i++;
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function datasetCard(dataset: Dataset): Rich {
  const resources = dataset.resources ?? [];
  const facts = [dataset.organization?.name, dataset.license && `licence ${dataset.license}`, dataset.frequency && `updated ${dataset.frequency}`, dataset.last_modified && `modified ${dataset.last_modified.slice(0, 10)}`, `${resources.length} resources`].filter(Boolean);
  const plain = `${dataset.title} (${dataset.id})\n${facts.join(" · ")}\n${resources.map((r) => `- ${r.title} [${r.format ?? "?"}]${isTabularResource(r) ? " tabular" : ""}`).join("\n")}`;
  const html =
    `<div class="datagouv-card"><h3>${escapeHtml(dataset.title)}</h3><p>${escapeHtml(facts.join(" · "))}</p>` +
    `<p>${link(dataset.page, "on data.gouv.fr")} · <code>${escapeHtml(dataset.id)}</code></p>` +
    `<ul>${resources.map((r) => `<li>${escapeHtml(r.title)} <small>${escapeHtml(r.format ?? "")} ${escapeHtml(sizeText(r.filesize))}${isTabularResource(r) ? " · Tabular API" : ""}</small> ${link(r.url, "file")}</li>`).join("")}</ul></div>`;
  return rich({ "text/plain": plain, "text/html": html }, dataset);
}

export function resourceCard(resource: Resource): Rich {
  const facts = [resource.format, sizeText(resource.filesize), resource.type, isTabularResource(resource) ? "served by the Tabular API" : "not in the Tabular API"].filter(Boolean);
  return rich(
    {
      "text/plain": `${resource.title} (${resource.id})\n${facts.join(" · ")}\n${resource.url}`,
      "text/html": `<div class="datagouv-card"><h3>${escapeHtml(resource.title)}</h3><p>${escapeHtml(facts.join(" · "))}</p><p>${link(resource.url, "download")} · <code>${escapeHtml(resource.id)}</code></p></div>`,
    },
    resource,
  );
}

export function organizationCard(organization: Organization): Rich {
  const badges = (organization.badges ?? []).map((b) => b.kind).join(", ");
  return rich(
    {
      "text/plain": `${organization.name} (${organization.id})${badges ? `\n${badges}` : ""}`,
      "text/html": `<div class="datagouv-card"><h3>${escapeHtml(organization.name)}</h3><p>${escapeHtml(badges)}</p><p>${link(organization.page, "on data.gouv.fr")} · <code>${escapeHtml(organization.id)}</code></p></div>`,
    },
    organization,
  );
}

/** A resource profile: per column, its type, missing values and top values. */
export function profileView(profile: ResourceProfile): Rich {
  const columns = profileColumns(profile.profile);
  const top = (c: (typeof columns)[number]) => (c.stats?.tops ?? []).slice(0, 3).map((t) => `${String(t.value)} (${t.count})`).join(", ");
  const plain = [`${profile.profile.total_lines ?? "?"} rows, ${columns.length} columns`, ...columns.map((c) => `${c.name}: ${c.type} (${c.format}), ${c.stats?.nb_missing_values ?? 0} missing${top(c) ? `, top: ${top(c)}` : ""}`)].join("\n");
  const html =
    `<div class="datagouv-profile"><p><strong>${escapeHtml(profile.profile.total_lines ?? "?")} rows, ${columns.length} columns</strong></p><table><thead><tr><th>column</th><th>type</th><th>format</th><th>missing</th><th>distinct</th><th>top values</th></tr></thead><tbody>` +
    columns.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>${c.type}</td><td>${escapeHtml(c.format)}</td><td>${c.stats?.nb_missing_values ?? 0}</td><td>${c.stats?.nb_distinct ?? ""}</td><td>${escapeHtml(top(c))}</td></tr>`).join("") +
    `</tbody></table></div>`;
  return rich({ "text/plain": plain, "text/html": html }, profile);
}
