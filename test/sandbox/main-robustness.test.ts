import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, get, testSandbox } from "../support/sandbox.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";

/** What the Main API does with bodies and uploads a client should not send, and with many writes at once. */

let env: Awaited<ReturnType<typeof testSandbox>>;
let api: string;
let dataDir: string;
let dataset: { id: string };

const json = (method: string, url: string, body: string) =>
  fetch(url, { method, headers: { "content-type": "application/json", "x-api-key": API_KEY }, body });
const upload = (content: BlobPart, filename: string) => {
  const form = new FormData();
  form.append("file", new Blob([content]), filename);
  return fetch(`${api}/1/datasets/${dataset.id}/upload/`, {
    method: "POST",
    headers: { "x-api-key": API_KEY },
    body: form,
  });
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "datagouv-robustness-"));
  env = await testSandbox({ dataDir });
  api = `${env.sandbox.url}/api`;
  dataset = await (
    await json(
      "POST",
      `${api}/1/datasets/`,
      JSON.stringify({ title: "Dépôts", organization: SEED_TABULAR[0].organizationId }),
    )
  ).json();
});
afterAll(async () => {
  await env.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("uploads", () => {
  it("binary content named .csv is kept as a file the Tabular API does not serve, with hydra's parsing error (datagouv/hydra:udata_hydra/analysis/helpers.py)", async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 254, 0, 0, 7, 8, 9, 200, 201, 0, 10, 13, 0]);
    const response = await upload(bytes, "mesures.csv");
    expect(response.status).toBe(201);
    const resource = await response.json();
    expect(resource).toMatchObject({ title: "mesures.csv", format: "csv", filesize: bytes.length });
    expect(resource.extras["analysis:parsing:error"]).toMatch(/^csv_detective:/);
    expect(resource.extras["analysis:parsing:error"]).not.toContain(dataDir);
    expect(resource.extras).not.toHaveProperty("analysis:parsing:parsing_table");
    expect(new Uint8Array(await (await fetch(resource.url)).arrayBuffer())).toEqual(bytes);
    expect((await get(`${env.sandbox.url}/tabular/api/resources/${resource.id}/data/`)).status).toBe(404);
  });

  it("rejected uploads leave no temporary file behind", async () => {
    const statuses = [
      (await upload("<html><body>page</body></html>", "page.html")).status,
      (
        await fetch(`${api}/1/datasets/${dataset.id}/upload/`, {
          method: "POST",
          headers: { "x-api-key": API_KEY, "content-type": "multipart/form-data; boundary=XYZ" },
          body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\n\r\na,b\r\n1,2',
        })
      ).status,
      (
        await fetch(`${api}/1/datasets/${dataset.id}/upload/`, {
          method: "POST",
          headers: { "x-api-key": API_KEY, "content-type": "multipart/form-data; boundary=XYZ" },
          body: '--XYZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nno file\r\n--XYZ--\r\n',
        })
      ).status,
    ];
    expect(statuses).toEqual([415, 400, 400]);
    expect((await readdir(join(dataDir, "files"))).filter((name) => name.startsWith(".upload-"))).toEqual([]);
  });
});

describe("JSON bodies", () => {
  it("nested deeper than udata's decoder goes: 400 with werkzeug's sentence, not a stack overflow", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const response = await json("PUT", `${api}/1/datasets/${dataset.id}/`, `{"extras": {"deep": ${deep}}}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      message: "The browser (or proxy) sent a request that this server could not understand.",
    });
    const nested = `${"[".repeat(100)}1${"]".repeat(100)}`;
    expect((await json("PUT", `${api}/1/datasets/${dataset.id}/`, `{"extras": {"nested": ${nested}}}`)).status).toBe(
      200,
    );
  });
});

describe("many writes", () => {
  it("a burst of creations, then the Metrics API has rows for every one of them", async () => {
    const created = await Promise.all(
      Array.from({ length: 40 }, async (_, i) =>
        (
          await json(
            "POST",
            `${api}/1/datasets/`,
            JSON.stringify({ title: `Rafale ${i}`, organization: SEED_TABULAR[0].organizationId }),
          )
        ).json(),
      ),
    );
    expect(new Set(created.map((d) => d.id)).size).toBe(40);
    expect(new Set(created.map((d) => d.slug)).size).toBe(40);
    const rows = (
      await get(
        `${env.sandbox.url}/metrics/api/datasets_total/data/?page_size=50&dataset_id__in=${created.map((d) => d.id).join(",")}`,
      )
    ).json();
    expect(rows.meta.total).toBe(40);
  });
});
