import * as Inputs from "@observablehq/inputs";
import { html } from "htl";
import { bars, monthlyChart, syntheticNote } from "./charts.js";
import { description } from "./description.js";
import { date, its, number } from "./format.js";

/**
 * An organization's page below its title, built here rather than in the page's cells: Framework's build cost grows
 * with each page's cells and imports, and a site has thousands of these pages.
 */

const BADGES = {
  "public-service": "Public service",
  certified: "Certified",
  "local-authority": "Local authority",
  association: "Association",
  company: "Company",
};

export function organizationPage(data, { resize }) {
  const org = data.organization;
  const visits = data.datasets.reduce((n, d) => n + d.visits, 0);
  const downloads = data.datasets.reduce((n, d) => n + d.downloads, 0);
  const facts = [
    ...org.badges.map((b) => BADGES[b] ?? b),
    org.url ? html`<a href="${org.url}">its own site</a>` : null,
  ];
  const used = data.datasets.filter((d) => d.visits > 0).slice(0, 12);
  return html`${syntheticNote(data)}
    ${facts.some(Boolean) ? html`<p class="meta">${facts.filter(Boolean).flatMap((part, i) => (i ? [" · ", part] : [part]))}</p>` : ""}
    ${description(org.description)}
    <div class="cards">
      <div class="card">
        <div>Datasets</div>
        <div class="value">${number(data.datasets.length)}</div>
      </div>
      <div class="card">
        <div>Visits, all months</div>
        <div class="value">${number(visits)}</div>
      </div>
      <div class="card">
        <div>Downloads, all months</div>
        <div class="value">${number(downloads)}</div>
      </div>
    </div>
    ${
      data.months.length
        ? resize((width) =>
            monthlyChart(data.months, {
              width,
              title: "Visits to its datasets and downloads of their resources, month by month",
            }),
          )
        : html`<p>No visits or downloads recorded.</p>`
    }
    ${
      used.length
        ? resize((width) =>
            bars(used, {
              x: "visits",
              y: "title",
              width,
              title: "Its most visited datasets",
              xLabel: "Visits, all months",
              yLabel: "Dataset",
            }),
          )
        : ""
    }
    <h2>${its(data.datasets.length, "dataset")}</h2>
    ${data.datasets.length ? searchableTable(data.datasets) : html`<p>It publishes no dataset.</p>`}`;
}

/** Its datasets in a table, and a search box over their titles once there are more than a screenful. */
function searchableTable(datasets) {
  const table = (rows) =>
    Inputs.table(rows, {
      columns: ["title", "resources", "modified", "visits", "downloads"],
      header: {
        title: "Dataset",
        resources: "Resources",
        modified: "Modified",
        visits: "Visits",
        downloads: "Downloads",
      },
      format: {
        title: (title, i, rows) => (rows[i].page ? html`<a href="../datasets/${rows[i].id}">${title}</a>` : title),
        resources: number,
        modified: date,
        visits: number,
        downloads: number,
      },
      width: { title: 380, resources: 90, modified: 110, visits: 90, downloads: 100 },
      align: { resources: "right", visits: "right", downloads: "right" },
      layout: "fixed",
      rows: 15,
      select: false,
    });
  if (datasets.length <= 20) return table(datasets);
  const search = Inputs.search(datasets, {
    placeholder: "Search its datasets…",
    columns: ["title"],
    format: (n) => `${number(n)} ${n === 1 ? "result" : "results"}`,
  });
  const holder = html`<div>${table(datasets)}</div>`;
  search.addEventListener("input", () => holder.replaceChildren(table(search.value)));
  return html`<div>${search}${holder}</div>`;
}
