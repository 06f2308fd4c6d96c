import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, DataGouv, GENERATED_GROUPS, MAIN_ROUTES } from "../../lib/index.ts";
import { SEED_TABULAR, startSandbox, type Sandbox } from "../../sandbox/src/index.ts";
import { API_KEY } from "../support/sandbox.ts";

/**
 * The hand-written methods are checked against the route table: each one, called on the sandbox, sends the method and
 * path its route declares (whatever the answer). The generated ones are the table's by construction.
 */

let sandbox: Sandbox;
let dg: DataGouv;
let scratch: string;
const sent: string[] = [];
const communes = SEED_TABULAR[0];
const D = communes.datasetId;
const R = communes.resourceId;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKeys: [API_KEY], onRequest: (method, path) => sent.push(`${method} ${path}`) });
  dg = new DataGouv({ sandboxUrl: sandbox.url, apiKey: API_KEY, retry: { retries: 0 }, logger: { warn() {} } }, {});
  scratch = await mkdtemp(join(tmpdir(), "route-methods-"));
  await writeFile(join(scratch, "rows.csv"), "a,b\n1,2\n");
}, 60_000);

afterAll(async () => {
  await dg?.close();
  await sandbox?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const ORG = "534fff81a3a7292c64a77e5c";
const first = <T>(listing: AsyncIterable<T>) => collect(listing, 1);

/** One call of each hand-written method, keyed `group.method` as the route table names it. */
const CALLS: Record<string, (dg: DataGouv) => Promise<unknown>> = {
  "datasets.list": (dg) => first(dg.datasets.list()),
  "datasets.create": (dg) => dg.datasets.create({ title: "Checked against its route" }),
  "datasets.get": (dg) => dg.datasets.get(D),
  "datasets.update": (dg) => dg.datasets.update(D, { description: "checked" }),
  "datasets.resources": (dg) => first(dg.datasets.resources(D)),
  "datasets.createResource": (dg) => dg.datasets.createResource(D, { title: "link", url: "https://example.org/a" }),
  "datasets.reorderResources": (dg) => dg.datasets.reorderResources(D, [R]),
  "datasets.datasetResource": (dg) => dg.datasets.datasetResource(D, R),
  "datasets.updateResource": (dg) => dg.datasets.updateResource(D, R, { description: "checked" }),
  "datasets.uploadResource": (dg) => dg.datasets.uploadResource(D, join(scratch, "rows.csv")),
  "datasets.follow": (dg) => dg.datasets.follow(D),
  "datasets.unfollow": (dg) => dg.datasets.unfollow(D),
  "datasets.badges": (dg) => dg.datasets.badges(),
  "datasets.frequencies": (dg) => dg.datasets.frequencies(),
  "datasets.licenses": (dg) => dg.datasets.licenses(),
  "datasets.schemas": (dg) => dg.datasets.schemas(),
  "datasets.suggest": (dg) => dg.datasets.suggest("communes"),
  "datasets.suggestFormats": (dg) => dg.datasets.suggestFormats("csv"),
  "datasets.resourceTypes": (dg) => dg.datasets.resourceTypes(),
  "organizations.list": (dg) => first(dg.organizations.list()),
  "organizations.get": (dg) => dg.organizations.get(ORG),
  "organizations.follow": (dg) => dg.organizations.follow(ORG),
  "organizations.unfollow": (dg) => dg.organizations.unfollow(ORG),
  "organizations.datasets": (dg) => first(dg.organizations.datasets(ORG)),
  "organizations.reuses": (dg) => dg.organizations.reuses(ORG),
  "organizations.suggest": (dg) => dg.organizations.suggest("insee"),
  "users.get": async (dg) => dg.users.get((await dg.users.me()).id),
  "users.suggest": (dg) => dg.users.suggest("sandbox"),
  "reuses.list": (dg) => first(dg.reuses.list()),
  "reuses.create": (dg) =>
    dg.reuses.create({
      title: "Checked",
      description: "A reuse",
      url: "https://example.org",
      type: "api",
      topic: "health",
    }),
  "reuses.get": async (dg) => dg.reuses.get((await first(dg.reuses.list()))[0].id),
  "reuses.update": async (dg) => dg.reuses.update((await first(dg.reuses.list()))[0].id, { description: "checked" }),
  "reuses.addDataset": async (dg) => dg.reuses.addDataset((await first(dg.reuses.list()))[0].id, D),
  "reuses.follow": async (dg) => dg.reuses.follow((await first(dg.reuses.list()))[0].id),
  "reuses.unfollow": async (dg) => dg.reuses.unfollow((await first(dg.reuses.list()))[0].id),
  "dataservices.list": (dg) => first(dg.dataservices.list()),
  "dataservices.get": async (dg) => dg.dataservices.get((await first(dg.dataservices.list()))[0].id),
  "discussions.list": (dg) => first(dg.discussions.list()),
  "discussions.open": (dg) =>
    dg.discussions.open({ title: "Checked", comment: "A question", subject: { id: D, class: "Dataset" } }),
  "discussions.get": async (dg) => dg.discussions.get((await first(dg.discussions.list()))[0].id),
  "discussions.comment": async (dg) => dg.discussions.comment((await first(dg.discussions.list()))[0].id, "more"),
  "posts.list": (dg) => first(dg.posts.list()),
  "posts.get": async (dg) => dg.posts.get((await first(dg.posts.list()))[0].id),
  "site.get": (dg) => dg.site.get(),
  "site.export": async (dg) => {
    for (const kind of ["datasets", "resources", "organizations", "reuses", "dataservices"] as const)
      await (await dg.site.export(kind)).body.dump();
  },
  "spatial.levels": (dg) => dg.spatial.levels(),
  "spatial.granularities": (dg) => dg.spatial.granularities(),
  "spatial.zones": (dg) => dg.spatial.zones("country:fr"),
  "spatial.suggestZones": (dg) => dg.spatial.suggestZones("paris"),
  "tags.suggest": (dg) => dg.tags.suggest("transport"),
  "datasets.deleteResource": (dg) => dg.datasets.deleteResource(D, R),
  "reuses.delete": async (dg) => dg.reuses.delete((await first(dg.reuses.list()))[0].id),
  "datasets.delete": (dg) => dg.datasets.delete(D),
};

const pattern = (method: string, path: string) =>
  new RegExp(`^${method} /${path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`);

describe("hand-written methods", () => {
  it("have a call here for each, and each sends what its route declares", async () => {
    // generated methods are own properties of their object; hand-written ones live on their class's prototype
    const handWritten = MAIN_ROUTES.filter(({ group, method }) => {
      const object = (dg as unknown as Record<string, object>)[group];
      return !(group in GENERATED_GROUPS) && !Object.prototype.hasOwnProperty.call(object, method);
    });
    const names = [...new Set(handWritten.map((e) => `${e.group}.${e.method}`))];
    expect(names.filter((name) => !CALLS[name])).toEqual([]);
    for (const name of names) {
      sent.length = 0;
      await CALLS[name](dg).catch(() => undefined);
      for (const { route } of handWritten.filter((e) => `${e.group}.${e.method}` === name)) {
        const where = `${name}: ${route.method} /${route.path} among ${sent.join(", ")}`;
        expect(
          sent.some((line) => pattern(route.method, route.path).test(line)),
          where,
        ).toBe(true);
      }
    }
    console.log(`${names.length} hand-written methods sent what their ${handWritten.length} routes declare`);
  }, 60_000);
});
