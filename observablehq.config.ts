import { readFileSync } from "node:fs";

/** The pages to build for each organization, dataset and resource, chosen by the build script (loaders/site-build.ts). */
function selection(): { organizations: string[]; datasets: string[]; resources: string[] } {
  try {
    return JSON.parse(readFileSync("src/.observablehq/cache/selection.json", "utf8"));
  } catch {
    return { organizations: [], datasets: [], resources: [] };
  }
}

const chosen = selection();

export default {
  title: "data.gouv.fr dashboards",
  root: "src",
  // no web fonts: the site works with no internet
  globalStylesheets: [],
  style: "style.css",
  pages: [
    { name: "Catalog", path: "/" },
    { name: "Organizations", path: "/organizations/" },
    { name: "Explore", path: "/explore" },
  ],
  dynamicPaths: [
    ...chosen.organizations.map((id) => `/organizations/${id}`),
    ...chosen.datasets.map((id) => `/datasets/${id}`),
    ...chosen.resources.map((id) => `/resources/${id}`),
  ],
  // no favicon request to a file the site does not have
  head: '<link rel="icon" href="data:,">',
  footer: "Built with datagouv-kit from data.gouv.fr's Main, Tabular and Metrics APIs.",
  search: false,
};
