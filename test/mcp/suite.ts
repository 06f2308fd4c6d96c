import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIG_RESOURCE_ID, DELETED_RESOURCE, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { buildCatalogDatabase, catalogReport } from "../../lib/duckdb/catalog-database.ts";
import { Duck, literal } from "../../lib/duckdb/connection.ts";
import { loadResource } from "../../lib/duckdb/local.ts";
import { LIMITS } from "../../lib/mcp/bounds.ts";
import { summariseOpenApi } from "../../lib/mcp/openapi.ts";
import { and, eq, filter, gt, or, OPERATORS, type Operator } from "../../lib/query/index.ts";
import { testSandbox } from "../support/sandbox.ts";
import { call, dataOf, textOf, type McpSession } from "./connect.ts";

export const COMMUNES = SEED_TABULAR[0].resourceId;
export const DEPARTEMENTS = SEED_TABULAR[1].resourceId;
const TEST_TABLE = SEED_TABULAR[4].resourceId;
const WITH_NULLS = SEED_TABULAR[6].resourceId;
const COMMUNES_DATASET = SEED_TABULAR[0].datasetId;
const STREAM_CAP = 5_000;

export const READ_TOOLS = [
  "search_datasets",
  "search_organizations",
  "search_dataservices",
  "get_dataset",
  "list_dataset_resources",
  "get_resource",
  "get_organization",
  "get_dataservice",
  "get_dataservice_openapi",
  "get_resource_profile",
  "query_tabular",
  "export_tabular",
  "sql_resource",
  "metrics",
  "catalog_report",
];
export const WRITE_TOOLS = [
  "create_dataset",
  "update_dataset",
  "add_resource_link",
  "upload_resource",
  "update_resource",
];

type Connect = (args: string[], env: Record<string, string>) => Promise<McpSession>;

/**
 * The tools over one transport, against a sandbox with the 1,000,000-row resource: every answer is checked against
 * what the library returns for the same request.
 */
export function toolSuite(transport: string, connect: Connect): void {
  let env: Awaited<ReturnType<typeof testSandbox>>;
  let session: McpSession;
  let dir: string;
  let outputDir: string;
  let duck: Duck;
  const requests: string[] = [];
  const called = new Set<string>();
  const use = async (name: string, args: Record<string, unknown>) => {
    called.add(name);
    return call(session, name, args);
  };
  const cache = () => join(dir, "library-cache");

  beforeAll(async () => {
    env = await testSandbox({
      tabular: { bigRows: 1_000_000, streamCap: STREAM_CAP },
      onRequest: (method, path) => requests.push(`${method} ${path}`),
    });
    dir = await mkdtemp(join(tmpdir(), `datagouv-mcp-${transport}-`));
    outputDir = join(dir, "exports");
    duck = await Duck.memory();
    session = await connect(["--output-dir", outputDir, "--timeout", "30", "--sql-timeout", "3"], {
      DATAGOUV_SANDBOX_URL: env.sandbox.url,
    });
  });
  afterAll(async () => {
    await session?.close();
    duck?.close();
    await env?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe(`datagouv mcp over ${transport}: the tools`, () => {
    it("lists the read tools, each with a strict input JSON Schema, an output schema and a description", async () => {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
      for (const tool of tools) {
        expect(tool.inputSchema.type).toBe("object");
        expect((tool.inputSchema as { additionalProperties?: unknown }).additionalProperties).toBe(false);
        expect(tool.outputSchema?.type).toBe("object");
        expect(tool.description!.length).toBeGreaterThan(120);
        expect(tool.annotations?.readOnlyHint).toBe(true);
      }
      const query = tools.find((t) => t.name === "query_tabular")!.inputSchema as any;
      expect(query.required).toEqual(["resource_id"]);
      expect(query.properties.page_size.maximum).toBe(200);
      const op = query.properties.where.items.anyOf[0].properties.op;
      expect(op.enum).toEqual([...OPERATORS]);
    });

    it("refuses a wrong argument of every tool with a message naming it, before running anything", async () => {
      const { tools } = await session.client.listTools();
      for (const tool of tools) {
        const unknown = await use(tool.name, { ...VALID_ARGS[tool.name], colour: "blue" });
        expect(unknown.isError, tool.name).toBe(true);
        expect(textOf(unknown)).toMatch(
          new RegExp(`Invalid arguments for tool ${tool.name}:.*Unrecognized key.*"colour"`, "s"),
        );
      }
      const tooBig = await use("query_tabular", { resource_id: COMMUNES, page_size: 500 });
      expect(textOf(tooBig)).toMatch(/Too big: expected number to be <=200 at page_size/);
      const badOp = await use("query_tabular", {
        resource_id: COMMUNES,
        where: [{ column: "x", op: "equals", value: 1 }],
      });
      expect(textOf(badOp)).toMatch(/Invalid arguments for tool query_tabular:.*where/s);
      const noId = await use("metrics", { subject: "dataset" });
      expect(textOf(noId)).toMatch(/give the subject's id, except for subject site.* at id/);
      const badMonth = await use("metrics", { subject: "site", from: "2024-13" });
      expect(textOf(badMonth)).toMatch(/a month is written YYYY-MM at from/);
    });

    it("the three searches answer what the library's search does", async () => {
      const datasets = dataOf(await use("search_datasets", { q: "communes", page_size: 5 }));
      const expected = await env.dg.datasets.search({ q: "communes" }, { pageSize: 5 }).first();
      expect(datasets.total).toBe(expected.total);
      expect(datasets.datasets.map((d: any) => d.id)).toEqual(expected.data.map((d) => d.id));
      expect(datasets.datasets.find((d: any) => d.id === COMMUNES_DATASET).resources).toBe(1);

      const byOrganization = dataOf(
        await use("search_datasets", { organization: SEED_TABULAR[4].organizationId, sort: "-created" }),
      );
      const expectedByOrganization = await env.dg.datasets
        .search({ organization: SEED_TABULAR[4].organizationId, sort: "-created" }, { pageSize: 20 })
        .first();
      expect(byOrganization.datasets.map((d: any) => d.id)).toEqual(expectedByOrganization.data.map((d) => d.id));
      expect(byOrganization.total).toBeGreaterThan(3);

      const organizations = dataOf(await use("search_organizations", { q: "insee" }));
      const expectedOrganizations = await env.dg.organizations.search({ q: "insee" }).first();
      expect(organizations.organizations.map((o: any) => o.id)).toEqual(expectedOrganizations.data.map((o) => o.id));
      expect(organizations.total).toBeGreaterThan(0);

      const services = await use("search_dataservices", {});
      const expectedServices = await env.dg.dataservices.search({}).first();
      expect(dataOf(services).dataservices.map((d: any) => d.id)).toEqual(expectedServices.data.map((d) => d.id));
      expect(textOf(services)).toContain(expectedServices.data[0].title);
    });

    it("a page says how to get the next; the 10,000-result window is refused before any request", async () => {
      const first = dataOf(await use("search_datasets", { page_size: 2 }));
      const total = (await env.dg.datasets.search({}, { pageSize: 2 }).first()).total;
      expect(first.datasets).toHaveLength(2);
      expect(first.note).toBe(`Showing results 1-2 of ${total}: call again with page=2 for more, or add filters`);
      const beyond = await use("search_datasets", { page: 101, page_size: 100 });
      expect(textOf(beyond)).toMatch(/^Refused before any request: search results stop at 10000/);
    });

    it("the detail tools answer the library's dataset, resources, resource, organization and dataservice", async () => {
      const dataset = dataOf(await use("get_dataset", { dataset: COMMUNES_DATASET }));
      const expected = await env.dg.datasets.get(COMMUNES_DATASET);
      expect(dataset).toMatchObject({ id: expected.id, title: expected.title, license: expected.license });
      expect(dataset.resources.map((r: any) => r.id)).toEqual(expected.resources!.map((r) => r.id));
      expect(dataset.resources[0].tabular).toBe(true);

      const many = (await env.dg.datasets.list({}, { pageSize: 50 }).all()).find((d) => d.resources!.length > 12)!;
      const listed = dataOf(await use("list_dataset_resources", { dataset: many.id, page_size: 5 }));
      const expectedResources = await env.dg.datasets.resources(many.id, {}, { pageSize: 5 }).first();
      expect(listed.total).toBe(expectedResources.total);
      expect(listed.resources.map((r: any) => r.id)).toEqual(expectedResources.data.map((r) => r.id));
      expect(listed.note).toBe(`Resources 1-5 of ${expectedResources.total}: call again with page=2`);
      const shown = dataOf(await use("get_dataset", { dataset: many.id }));
      expect(shown.resources).toHaveLength(10);
      expect(shown.note).toContain(`10 of ${many.resources!.length} resources shown`);

      const resource = dataOf(await use("get_resource", { resource_id: COMMUNES }));
      const expectedResource = await env.dg.datasets.resource(COMMUNES);
      expect(resource).toMatchObject({
        id: COMMUNES,
        dataset_id: expectedResource.dataset_id,
        url: expectedResource.resource.url,
        filesize: expectedResource.resource.filesize,
        tabular: true,
      });
      const document = many.resources!.find((r) => r.format === "pdf") ?? many.resources!.at(-1)!;
      expect(dataOf(await use("get_resource", { resource_id: document.id })).tabular).toBe(
        await env.dg.tabularApi.isTabular(document, { confirm: true }),
      );

      const organization = dataOf(await use("get_organization", { organization: SEED_TABULAR[0].organizationId }));
      const expectedOrganization = await env.dg.organizations.get(SEED_TABULAR[0].organizationId);
      expect(organization).toMatchObject({ id: expectedOrganization.id, name: expectedOrganization.name });

      const [service] = (await env.dg.dataservices.search({}).first()).data;
      const dataservice = dataOf(await use("get_dataservice", { dataservice_id: service.id }));
      const expectedService = await env.dg.dataservices.get(service.id);
      expect(dataservice).toMatchObject({
        id: service.id,
        title: expectedService.title,
        base_api_url: expectedService.base_api_url,
        machine_documentation_url: expectedService.machine_documentation_url,
      });
    });

    it("get_dataservice_openapi summarises the document the dataservice points to", async () => {
      const [service] = (await env.dg.dataservices.search({}).first()).data;
      const answer = dataOf(await use("get_dataservice_openapi", { dataservice_id: service.id }));
      const expected = summariseOpenApi(await env.dg.dataservices.openapi(service.id));
      expect(answer.source).toBe(service.machine_documentation_url);
      expect(answer.title).toBe(expected.title);
      expect(answer.servers).toEqual(expected.servers);
      expect(answer.endpoint_count).toBe(expected.endpointCount);
      expect(answer.endpoints).toEqual(expected.endpoints);
    });

    it("an unknown id is a tool error with the server's status and the client's hint", async () => {
      const missing = await use("get_dataset", { dataset: "no-such-dataset" });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(
        /Main API GET .*\/api\/1\/datasets\/no-such-dataset\/ failed: 404.*Check the id or slug/,
      );
    });
  });

  describe(`datagouv mcp over ${transport}: tabular resources`, () => {
    it("get_resource_profile answers the profile's columns, whether the API serves and aggregates it", async () => {
      const answer = dataOf(await use("get_resource_profile", { resource_id: TEST_TABLE }));
      const { profile } = await env.dg.tabularApi.profile(TEST_TABLE);
      expect(answer.served).toBe(true);
      expect(answer.rows).toBe(profile.total_lines);
      expect(answer.columns.map((c: any) => [c.name, c.type])).toEqual(
        profile.header!.map((name) => [name, profile.columns![name].python_type]),
      );
      expect(answer.aggregation_allowed).toBe(await env.dg.tabularApi.aggregationAllowed(TEST_TABLE));
      expect(answer.operators.json).toEqual(["isnull", "isnotnull"]);
      const departements = dataOf(await use("get_resource_profile", { resource_id: DEPARTEMENTS }));
      expect(departements.aggregation_allowed).toBe(false);
      const deleted = dataOf(await use("get_resource_profile", { resource_id: DELETED_RESOURCE.resourceId }));
      expect(deleted.served).toBe(false);
      expect(deleted.note).toMatch(/does not serve this resource/);
    });

    it("query_tabular: several filters, a sort and columns answer the library's page and count", async () => {
      const answer = dataOf(
        await use("query_tabular", {
          resource_id: COMMUNES,
          where: [
            { column: "code_departement", op: "in", value: ["75", "92", "93"] },
            { column: "population", op: "greater", value: 20_000 },
          ],
          sort: { column: "population", direction: "desc" },
          columns: ["code_commune", "nom_commune", "population"],
          page_size: 15,
        }),
      );
      const query = env.dg
        .tabular(COMMUNES)
        .where("code_departement", "in", ["75", "92", "93"])
        .where("population", "greater", 20_000)
        .sort("population", "desc")
        .columns(["code_commune", "nom_commune", "population"]);
      const { value: page } = await query.pages({ pageSize: 15 }).next();
      expect(answer.mode).toBe("remote");
      expect(answer.query).toBe(query.toQueryString());
      expect(answer.total).toBe(page!.meta.total);
      expect(answer.total).toBeGreaterThan(15);
      expect(answer.rows).toEqual(page!.data);
      expect(answer.note).toBe(
        `Rows 1-15 of ${answer.total}: call again with page=2 for more, ` +
          "or export_tabular to write all of them to a file",
      );
    });

    it("query_tabular takes every operator of the Tabular API, each counting what the library counts", async () => {
      const cases: Record<Operator, [string, string, unknown?]> = {
        exact: [TEST_TABLE, "decompte", 90],
        differs: [TEST_TABLE, "decompte", 90],
        isnull: [WITH_NULLS, "birth"],
        isnotnull: [WITH_NULLS, "birth"],
        contains: [TEST_TABLE, "id", "ab"],
        notcontains: [TEST_TABLE, "id", "ab"],
        in: [TEST_TABLE, "decompte", [90, 75]],
        notin: [TEST_TABLE, "decompte", [90, 75]],
        less: [TEST_TABLE, "score", 0.25],
        greater: [TEST_TABLE, "birth", "1990-01-01"],
        strictly_less: [TEST_TABLE, "decompte", 10],
        strictly_greater: [TEST_TABLE, "score", 0.9],
      };
      for (const op of OPERATORS) {
        const [rid, column, value] = cases[op];
        const answer = dataOf(
          await use("query_tabular", { resource_id: rid, where: [{ column, op, value }], page_size: 5 }),
        );
        const query = env.dg.tabular(rid).where(filter(column, op, value as never));
        expect(answer.total, op).toBe(await query.count());
        expect(answer.total, op).toBeGreaterThan(0);
        expect(answer.rows, op).toEqual(await query.first(5));
      }
    });

    it("query_tabular: or-groups, nested and-groups, answer the library's rows", async () => {
      const answer = dataOf(
        await use("query_tabular", {
          resource_id: COMMUNES,
          where: [
            {
              or: [
                { column: "code_departement", op: "exact", value: "2A" },
                {
                  and: [
                    { column: "code_departement", op: "exact", value: "13" },
                    { column: "population", op: "strictly_greater", value: 50_000 },
                  ],
                },
              ],
            },
          ],
          page_size: 200,
        }),
      );
      const query = env.dg
        .tabular(COMMUNES)
        .or(eq("code_departement", "2A"), and(eq("code_departement", "13"), gt("population", 50_000)));
      expect(answer.total).toBe(await query.count());
      expect(answer.rows).toEqual(await query.all({ pageSize: 200 }));
      expect(new Set(answer.rows.map((r: any) => r.code_departement))).toEqual(new Set(["2A", "13"]));
    });

    it("query_tabular aggregates on the API where it may, and locally with DuckDB where it refuses", async () => {
      const remote = dataOf(
        await use("query_tabular", {
          resource_id: COMMUNES,
          where: [{ column: "population", op: "isnotnull" }],
          group_by: ["code_region"],
          aggregate: [{ column: "population", op: "sum" }],
          sort: { column: "population__sum", direction: "desc" },
          page_size: 5,
        }),
      );
      const remoteQuery = env.dg
        .tabular(COMMUNES)
        .where("population", "isnotnull")
        .groupBy("code_region")
        .aggregate("population", "sum")
        .sort("population__sum", "desc");
      expect(remote.mode).toBe("remote");
      expect(remote.rows).toEqual(await remoteQuery.first(5));
      expect(remote.rows[0].population__sum).toBeGreaterThan(remote.rows[4].population__sum);

      const local = await use("query_tabular", {
        resource_id: DEPARTEMENTS,
        group_by: ["code_region"],
        aggregate: [{ column: "code_departement", op: "count" }],
        page_size: 30,
      });
      const answer = dataOf(local);
      expect(answer.mode).toBe("local");
      expect(answer.reason).toBe("the Tabular API does not aggregate this resource");
      const table = await env.dg
        .tabular(DEPARTEMENTS)
        .groupBy("code_region")
        .aggregate("code_departement", "count")
        .toArrow({ mode: "local", cacheDir: cache() });
      const expected = table
        .toArray()
        .map((r) => ({ ...r.toJSON(), code_departement__count: Number(r.code_departement__count) }));
      expect(answer.total).toBe(expected.length);
      expect(answer.rows).toEqual(expected);
      expect(answer.rows.find((r: any) => r.code_region === "84").code_departement__count).toBe(12);
      expect(textOf(local)).toMatch(/local DuckDB: the Tabular API does not aggregate this resource/);
    });

    it("query_tabular refuses before any request what the API cannot express, with the library's reason", async () => {
      // queries no mode can run (the wire's own refusals, such as a NUL character, run locally in auto mode)
      const refusals: [Record<string, unknown>, () => unknown][] = [
        [
          { columns: ["code_region"], group_by: ["code_region"] },
          () => env.dg.tabular(COMMUNES).columns(["code_region"]).groupBy("code_region").toString(),
        ],
        [
          { where: [{ column: "code_region", op: "isnull", value: "x" }] },
          () => env.dg.tabular(COMMUNES).where("code_region", "isnull", "x").toString(),
        ],
      ];
      for (const [args, library] of refusals) {
        const reason = (() => {
          try {
            library();
          } catch (error) {
            return (error as Error).message;
          }
          throw new Error("the library accepted the query");
        })();
        const before = requests.length;
        const answer = await use("query_tabular", { resource_id: COMMUNES, ...args });
        expect(answer.isError).toBe(true);
        expect(textOf(answer)).toBe(`Refused before any request: ${reason}`);
        expect(requests.slice(before)).toEqual([]);
      }
    });

    it("query_tabular on the 1,000,000-row resource stays within its caps and says how to get the rest", async () => {
      const result = await use("query_tabular", { resource_id: BIG_RESOURCE_ID, page_size: 200, page: 3 });
      const answer = dataOf(result);
      expect(answer.total).toBe(1_000_000);
      expect(answer.returned).toBe(200);
      expect(answer.rows[0].__id).toBe(401);
      expect(answer.rows).toEqual(await env.dg.tabular(BIG_RESOURCE_ID).all({ page: 3, pageSize: 200, limit: 200 }));
      expect(answer.note).toBe(
        "Rows 401-600 of 1000000: call again with page=4 for more, or export_tabular to write all of them to a file",
      );
      expect(JSON.stringify(answer.rows).length).toBeLessThan(LIMITS.dataChars);
      expect(textOf(result).length).toBeLessThan(LIMITS.textChars + 400);
    });

    it("export_tabular writes a query past the stream cap to Parquet, row for row the library's export", async () => {
      const args = { resource_id: BIG_RESOURCE_ID, where: [{ column: "code_departement", op: "exact", value: "75" }] };
      const before = requests.length;
      const answer = dataOf(await use("export_tabular", { ...args, path: "paris/readings.parquet" }));
      const windows = requests.slice(before).filter((r) => r.includes(`${BIG_RESOURCE_ID}/data/csv/`));
      expect(windows.length).toBeGreaterThan(2);
      const library = join(dir, "library.parquet");
      const rows = await env.dg.tabular(BIG_RESOURCE_ID).where("code_departement", "exact", "75").toParquet(library);
      expect(rows).toBeGreaterThan(STREAM_CAP);
      expect(answer).toMatchObject({ path: join(outputDir, "paris", "readings.parquet"), format: "parquet", rows });
      expect(answer.columns.map((c: any) => c.name)).toEqual([
        "__id",
        "compteur",
        "code_departement",
        "date_releve",
        "index_kwh",
        "consommation_kwh",
        "anomalie",
        "statut",
      ]);
      const read = (file: string) => `read_parquet(${literal(file)})`;
      const [{ n }] = await duck.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${read(answer.path)}`);
      expect(n).toBe(rows);
      for (const [a, b] of [
        [answer.path, library],
        [library, answer.path],
      ]) {
        const [{ d }] = await duck.all<{ d: number }>(
          `SELECT count(*)::INTEGER AS d FROM (SELECT * FROM ${read(a)} EXCEPT ALL SELECT * FROM ${read(b)})`,
        );
        expect(d).toBe(0);
      }
      const ids = async (file: string) =>
        (await duck.all<{ __id: bigint }>(`SELECT __id FROM ${read(file)}`)).map((r) => Number(r.__id));
      expect(await ids(answer.path)).toEqual(await ids(library));
    });

    it("export_tabular writes all 1,000,000 rows to CSV, answering path, count and columns, not rows", async () => {
      const result = await use("export_tabular", { resource_id: BIG_RESOURCE_ID, path: "all-readings.csv" });
      const answer = dataOf(result);
      expect(answer.rows).toBe(await env.dg.tabular(BIG_RESOURCE_ID).count());
      expect(answer.format).toBe("csv");
      const [stats] = await duck.all<{ n: number; lo: number; hi: number; distinct: number }>(
        `SELECT count(*)::INTEGER AS n, min(__id)::INTEGER AS lo, max(__id)::INTEGER AS hi,
           count(DISTINCT __id)::INTEGER AS distinct FROM read_csv(${literal(answer.path)})`,
      );
      expect(stats).toEqual({ n: 1_000_000, lo: 1, hi: 1_000_000, distinct: 1_000_000 });
      expect(JSON.stringify(result).length).toBeLessThan(2_000);
      expect(textOf(result)).toMatch(/^Wrote 1,000,000 rows/);
    });

    it("export_tabular refuses paths outside its output folder and writes nothing there", async () => {
      await mkdir(outputDir, { recursive: true });
      const outside = join(dir, "outside");
      await mkdir(outside);
      await symlink(outside, join(outputDir, "link"));
      const cases: [string, RegExp][] = [
        ["../escaped.parquet", /leads outside the output folder/],
        [join(outside, "absolute.parquet"), /is an absolute path/],
        ["link/through.parquet", /goes through a link outside the folder/],
        [".cache/hidden.parquet", /names a hidden file or folder/],
      ];
      for (const [path, why] of cases) {
        const answer = await use("export_tabular", { resource_id: DEPARTEMENTS, path });
        expect(answer.isError, path).toBe(true);
        expect(textOf(answer)).toMatch(why);
        expect(textOf(answer)).toContain(`exports are written only inside the output folder ${outputDir}`);
      }
      const format = await use("export_tabular", { resource_id: DEPARTEMENTS, path: "wrong.json" });
      expect(textOf(format)).toBe("Refused: .json is not a format this tool writes: use .parquet or .csv");
      expect(existsSync(join(dir, "escaped.parquet"))).toBe(false);
      expect(existsSync(join(outside, "absolute.parquet"))).toBe(false);
      expect(existsSync(join(outside, "through.parquet"))).toBe(false);
    });
  });

  describe(`datagouv mcp over ${transport}: SQL, metrics, the catalog`, () => {
    it("sql_resource runs a SELECT over the resource loaded locally, as the library loads it", async () => {
      const sql =
        "SELECT code_region, count(*)::INTEGER AS n FROM resource GROUP BY code_region ORDER BY n DESC, code_region";
      const answer = dataOf(await use("sql_resource", { resource_id: DEPARTEMENTS, sql }));
      const local = await loadResource(env.dg.http, DEPARTEMENTS, duck, { dir: cache(), table: "resource" });
      const expected = await duck.all(sql);
      expect(answer.rows).toEqual(expected);
      expect(answer.table_columns).toEqual(Object.entries(local.types).map(([name, type]) => ({ name, type })));
      expect(answer.more).toBe(false);
      await duck.run("DROP TABLE resource");
    });

    it("sql_resource refuses anything but one SELECT, and reading other files", async () => {
      const cases: [string, RegExp][] = [
        [
          "SELECT * FROM read_csv('/etc/passwd')",
          /^Refused: the SQL reaches outside the table resource: files and the network are closed to it/,
        ],
        ["SELECT * FROM read_text('/etc/hostname')", /^Refused: the SQL reaches outside the table resource/],
        [
          "COPY resource TO '/tmp/datagouv-mcp-copied.csv'",
          /^Refused: (COPY statements are not run|the SQL reaches outside the table resource)/,
        ],
        ["DROP TABLE resource", /^Refused: DROP statements are not run: sql_resource runs one read-only SELECT/],
        ["SELECT 1; SELECT 2", /^Refused: the SQL holds 2 statements: send exactly one SELECT/],
        ["SET memory_limit = '8GB'", /^Refused: SET statements are not run/],
        ["ATTACH ':memory:' AS other", /^Refused: ATTACH statements are not run/],
        ["INSERT INTO resource SELECT * FROM resource", /^Refused: INSERT statements are not run/],
      ];
      for (const [sql, why] of cases) {
        const answer = await use("sql_resource", { resource_id: DEPARTEMENTS, sql });
        expect(answer.isError, sql).toBe(true);
        expect(textOf(answer), sql).toMatch(why);
      }
      expect(existsSync("/tmp/datagouv-mcp-copied.csv")).toBe(false);
    });

    it("sql_resource stops a statement past its time limit", async () => {
      const started = Date.now();
      const answer = await use("sql_resource", {
        resource_id: DEPARTEMENTS,
        sql: "SELECT count(*) FROM range(100000000000) a, resource",
      });
      expect(textOf(answer)).toBe("Refused: the statement ran past 3 s and was interrupted");
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it("sql_resource over the 1,000,000-row resource answers within its row and character caps", async () => {
      const answer = dataOf(
        await use("sql_resource", { resource_id: BIG_RESOURCE_ID, sql: "SELECT * FROM resource", max_rows: 1000 }),
      );
      expect(answer.more).toBe(true);
      expect(answer.returned).toBeLessThan(1000);
      expect(answer.returned).toBeGreaterThan(100);
      expect(JSON.stringify(answer.rows).length).toBeLessThanOrEqual(LIMITS.dataChars);
      expect(answer.rows.map((r: any) => r.__id)).toEqual(Array.from({ length: answer.returned }, (_, i) => i + 1));
      expect(answer.note).toContain("The result has more than 1000 rows");
      expect(answer.note).toContain("rows were left out to stay under 100,000 characters");
    });

    it("metrics answers a subject's months and the _total model's totals, as the library does", async () => {
      const [reuse] = (await env.dg.reuses.list({}, { pageSize: 1 }).first()).data;
      const [service] = (await env.dg.dataservices.list({}, { pageSize: 1 }).first()).data;
      const subjects = [
        ["dataset", "datasets", "dataset_id", COMMUNES_DATASET],
        ["resource", "resources", "resource_id", COMMUNES],
        ["organization", "organizations", "organization_id", SEED_TABULAR[0].organizationId],
        ["reuse", "reuses", "reuse_id", reuse.id],
        ["dataservice", "dataservices", "dataservice_id", service.id],
      ] as const;
      for (const [subject, model, key, id] of subjects) {
        const answer = dataOf(await use("metrics", { subject, id, from: "2024-01", to: "2024-12" }));
        const months = await env.dg.metrics(model).where(key, "exact", id).months("2024-01", "2024-12").all();
        expect(
          answer.months.map((m: any) => m.metric_month),
          subject,
        ).toEqual(months.map((m) => m.metric_month));
        expect(answer.months).toHaveLength(12);
        const [total] = await env.dg.metrics(`${model}_total`).where(key, "exact", id).all<Record<string, number>>();
        for (const [column, value] of Object.entries(answer.all_time!))
          expect(value, `${subject} ${column}`).toBe(total[column]);
        const count = Object.keys(answer.range_totals)[0];
        expect(answer.range_totals[count]).toBe(months.reduce((sum, m) => sum + Number((m as any)[count]), 0));
      }
      const site = dataOf(await use("metrics", { subject: "site", from: "2025-01" }));
      const siteMonths = await env.dg.metrics("site").months("2025-01").all();
      expect(site.months).toEqual(siteMonths.map(({ __id, ...rest }) => rest));
      expect(site.all_time).toBeUndefined();
    });

    it("catalog_report builds the catalog database once and answers the library's report", async () => {
      const answer = dataOf(await use("catalog_report", { report: "formats" }));
      const database = join(dir, "catalog.duckdb");
      await buildCatalogDatabase(env.dg.http, database, { dir: cache() });
      const reference = await Duck.memory();
      try {
        await reference.run(`ATTACH ${literal(database)} AS catalog (READ_ONLY)`);
        await reference.run("USE catalog");
        expect(answer.rows).toEqual(await catalogReport(reference, "formats"));
      } finally {
        reference.close();
      }
      expect(answer.database).toBe(join(outputDir, "catalog.duckdb"));
      const again = dataOf(await use("catalog_report", { report: "top-datasets" }));
      expect(again.built_at).toBe(answer.built_at);
      expect(again.rows.length).toBeGreaterThan(0);
    });

    it("every tool was called", () => {
      expect([...called].sort()).toEqual([...READ_TOOLS].sort());
    });
  });
}

/** A valid call of each tool, to which the schema test adds a wrong argument. */
const VALID_ARGS: Record<string, Record<string, unknown>> = {
  search_datasets: { q: "communes" },
  search_organizations: { q: "insee" },
  search_dataservices: {},
  get_dataset: { dataset: COMMUNES_DATASET },
  list_dataset_resources: { dataset: COMMUNES_DATASET },
  get_resource: { resource_id: COMMUNES },
  get_organization: { organization: SEED_TABULAR[0].organizationId },
  get_dataservice: { dataservice_id: "x" },
  get_dataservice_openapi: { dataservice_id: "x" },
  get_resource_profile: { resource_id: COMMUNES },
  query_tabular: { resource_id: COMMUNES },
  export_tabular: { resource_id: COMMUNES, path: "x.parquet" },
  sql_resource: { resource_id: COMMUNES, sql: "SELECT 1" },
  metrics: { subject: "site" },
  catalog_report: { report: "formats" },
};
