import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDataset, parseOrganization, parseResource } from "../../lib/catalog/index.ts";
import { datasetCard, organizationCard, profileView, resourceCard } from "../../lib/notebook/index.ts";
import { parseResourceProfile, profileColumns } from "../../lib/tabular/index.ts";

/** Cards from real recorded payloads (sandbox/seed, attributed in its README). */
const seed = (path: string) => JSON.parse(readFileSync(new URL(`../../sandbox/seed/${path}`, import.meta.url), "utf8"));
const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);

describe("catalog cards", () => {
  it("a dataset: its title, facts, page and each resource's permanent file link", () => {
    const dataset = parseDataset(seed("main-api/dataset_metadata.json"));
    const { bundle } = datasetCard(dataset);
    const html = bundle["text/html"] as string;
    expect(html).toContain(`<h3>${dataset.title}</h3>`);
    expect(bundle["text/plain"].split("\n")[1]).toBe(
      `data.gouv.fr · licence ${dataset.license} · updated ${dataset.frequency} · modified ${dataset.last_modified!.slice(0, 10)} · 8 resources`,
    );
    expect(hrefs(html)).toEqual([
      dataset.page,
      dataset.organization!.page,
      ...dataset.resources!.map((r) => r.latest ?? r.url),
    ]);
    expect(html.match(/<li>/g)).toHaveLength(8);
  });

  it("a v2 dataset counts the resources it links to", () => {
    const { resources: _, ...rest } = seed("main-api/dataset_metadata.json");
    const card = datasetCard({
      ...rest,
      resources: { rel: "subsection", href: "https://example.org/r/", type: "GET", total: 1234 },
    }).bundle;
    expect(card["text/plain"]).toContain("1234 resources");
    expect(card["text/html"]).not.toContain("<ul>");
  });

  it("a resource: format, size, whether the Tabular API serves it, download and preview links", () => {
    const resource = parseResource(seed("main-api/resource_metadata_api1.json"));
    const { bundle } = resourceCard(resource);
    expect(bundle["text/plain"].split("\n")[1]).toMatch(
      /^csv · 1\.6 MB · main · modified \d{4}-\d\d-\d\d · served by the Tabular API$/,
    );
    expect(hrefs(bundle["text/html"] as string).slice(0, 2)).toEqual([resource.latest, resource.preview_url]);
  });

  it("an organization: badges, counts, its page and website", () => {
    const organization = parseOrganization(seed("main-api/organization_metadata.json"));
    const { bundle } = organizationCard(organization);
    expect(bundle["text/plain"]).toBe(
      `data.gouv.fr (${organization.id})\npublic-service, certified · 37 datasets · 6 reuses · 2 dataservices · 9 followers`,
    );
    expect(hrefs(bundle["text/html"] as string)).toEqual([organization.page, organization.url]);
  });

  it("titles from the catalog are escaped", () => {
    const dataset = parseDataset({
      ...seed("main-api/dataset_metadata.json"),
      title: `Bus <img src=x onerror="alert(1)">`,
    });
    const html = datasetCard(dataset).bundle["text/html"] as string;
    expect(html).not.toContain("<img");
    expect(html).toContain("Bus &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});

describe("resource profiles", () => {
  it("per column: type, format, missing values and top values", () => {
    const profile = parseResourceProfile(seed("tabular-api/profile.json"));
    const { bundle } = profileView(profile);
    const columns = profileColumns(profile.profile);
    expect(bundle["text/plain"].split("\n")[0]).toBe(`662,965 rows, ${columns.length} columns`);
    const html = bundle["text/html"] as string;
    expect(html.split("<tbody>")[1].match(/<tr>/g)).toHaveLength(columns.length);
    const [first] = columns;
    expect(
      bundle["text/plain"]
        .split("\n")[1]
        .startsWith(`${first.name}: ${first.type} (${first.format}), ${first.stats?.nb_missing_values ?? 0} missing`),
    ).toBe(true);
  });

  it("an older profile that swapped a top value and its count still reads count as the number (api-tabular:db/tables_index.csv)", async () => {
    const { csvParse } = await import("d3");
    const [row] = csvParse(
      readFileSync(new URL("../../sandbox/seed/tabular-api/tables_index.csv", import.meta.url), "utf8"),
    );
    const csvDetective = JSON.parse(row.csv_detective!);
    expect(typeof csvDetective.profile.is_true.tops[0].count).toBe("string");
    const profile = parseResourceProfile({ profile: csvDetective, deleted_at: null, dataset_id: "d", indexes: null });
    const line = profileView(profile)
      .bundle["text/plain"].split("\n")
      .find((l: string) => l.startsWith("is_true:"));
    expect(line).toMatch(/top: (True|False) \(\d+\), (True|False) \(\d+\)$/);
  });
});
