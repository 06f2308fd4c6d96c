import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { summariseOpenApi } from "../../lib/mcp/openapi.ts";
import { testSandbox } from "../support/sandbox.ts";

const seed = (path: string) => parse(readFileSync(new URL(`../../sandbox/seed/${path}`, import.meta.url), "utf8"));
const paths = (document: Record<string, any>) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item as object)
      .filter((key) => ["get", "post", "put", "patch", "delete", "head", "options"].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

describe("an OpenAPI document summarised", () => {
  it("lists every endpoint of api-tabular's own OpenAPI documents, with their parameters", () => {
    for (const file of ["tabular-api/tabular_swagger.yaml", "metrics-api/metrics_swagger.yaml"]) {
      const document = seed(file);
      const summary = summariseOpenApi(document);
      expect(summary.title).toBe(document.info.title);
      expect(summary.version).toBe("1.0.0");
      expect(summary.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(paths(document));
      expect(summary.endpointCount).toBe(summary.endpoints.length);
    }
    const tabular = summariseOpenApi(seed("tabular-api/tabular_swagger.yaml"));
    const data = tabular.endpoints.find((e) => e.path === "/api/resources/{rid}/data/")!;
    expect(data.summary).toBeDefined();
    expect(data.parameters).toContainEqual(
      expect.objectContaining({ name: "rid", in: "path", required: true, type: "string" }),
    );
  });

  it("stops at its caps and still counts every endpoint", () => {
    const summary = summariseOpenApi(seed("tabular-api/tabular_swagger.yaml"), { endpoints: 2, parameters: 1 });
    expect(summary.endpoints).toHaveLength(2);
    expect(summary.endpointCount).toBe(8);
    expect(summary.endpoints.every((e) => e.parameters.length <= 1)).toBe(true);
  });

  describe("a resource's OpenAPI document from the Tabular API", () => {
    let env: Awaited<ReturnType<typeof testSandbox>>;
    beforeAll(async () => {
      env = await testSandbox();
    });
    afterAll(() => env.close());

    it("takes the path's shared parameters: one filter per column and operator its type allows", async () => {
      const rid = SEED_TABULAR[1].resourceId;
      const { document } = await env.dg.tabularApi.swagger(rid);
      const summary = summariseOpenApi(document, { endpoints: 100, parameters: 1_000 });
      const data = summary.endpoints.find((e) => e.path === `/api/resources/${rid}/data/`)!;
      const shared = (document.paths as any)[`/api/resources/${rid}/data/`].parameters;
      expect(data.parameters.map((p) => p.name)).toEqual(shared.map((p: { name: string }) => p.name));
      expect(data.parameters.map((p) => p.name)).toContain("code_region__exact");
      expect(data.parameters.find((p) => p.name === "page_size")).toMatchObject({ in: "query", type: "integer" });
    });
  });
});
