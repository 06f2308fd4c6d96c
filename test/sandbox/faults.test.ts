import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataGouv, DataGouvError } from "../../lib/index.ts";
import { parseFaults, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { testSandbox } from "../support/sandbox.ts";

let env: Awaited<ReturnType<typeof testSandbox>>;
let dg: DataGouv;
const communes = SEED_TABULAR[0];

beforeAll(async () => {
  env = await testSandbox();
  dg = new DataGouv(
    { sandboxUrl: env.sandbox.url, retry: { retries: 3, minDelayMs: 5, maxDelayMs: 2000 }, logger: { warn() {} } },
    {},
  );
});
afterAll(async () => {
  await dg.close();
  await env.close();
});

describe("fault injection, and the client's reliability against it", () => {
  it("the grammar refuses what it does not know, naming it", () => {
    expect(() => parseFaults("/x:explode")).toThrow(/unknown action "explode"/);
    expect(() => parseFaults("/x:latency=abc")).toThrow(/latency takes a number/);
    expect(parseFaults("/api/*:status=503,nth=1-2;*:latency=10")).toHaveLength(2);
  });

  it("503 on the first two requests: the client retries and succeeds", async () => {
    env.sandbox.faults.set("/api/1/site/:status=503,nth=1-2");
    expect((await dg.site.get()).id).toBe("data.gouv.fr");
  });

  it("429 with Retry-After: the client waits and retries", async () => {
    env.sandbox.faults.set("/api/1/site/:status=429,nth=1");
    const started = Date.now();
    await dg.site.get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("a 500 is not retried", async () => {
    env.sandbox.faults.set("/api/1/site/:status=500,nth=1");
    await expect(dg.site.get()).rejects.toMatchObject({ status: 500 });
  });

  it("the overload redirect becomes 'overloaded, retry later' once retries are spent", async () => {
    env.sandbox.faults.set("/api/1/datasets/*:overload");
    const error = await dg.datasets.get(communes.datasetId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataGouvError);
    expect((error as DataGouvError).kind).toBe("overloaded");
    expect((error as DataGouvError).message).toMatch(/retry later/);
  });

  it("added latency beyond the client's timeout: a timeout error", async () => {
    env.sandbox.faults.set("/api/1/site/:latency=2500");
    const impatient = new DataGouv({ sandboxUrl: env.sandbox.url, timeoutMs: 300, retry: { retries: 0 } }, {});
    try {
      await expect(impatient.site.get()).rejects.toMatchObject({ kind: "timeout" });
    } finally {
      await impatient.close();
    }
  });

  it("a connection reset in the middle of a stream surfaces as a clear error, not a short result", async () => {
    env.sandbox.faults.set("/tabular/api/resources/*/data/json/:reset-after=2000");
    const response = await dg.tabular(communes.resourceId).where("code_departement", "exact", "01").json();
    await expect(response.body.text()).rejects.toThrow();
  });

  it("a truncated stream is detected", async () => {
    env.sandbox.faults.set("/tabular/api/resources/*/data/csv/:truncate=500");
    const response = await dg.tabular(communes.resourceId).where("code_departement", "exact", "01").csv();
    await expect(response.body.text()).rejects.toThrow();
  });

  it("probabilities are deterministic for a seed", async () => {
    const run = async () => {
      env.sandbox.faults.set("/api/1/site/:status=502,prob=0.5,seed=7");
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await fetch(`${env.sandbox.url}/api/1/site/`)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("clearing the faults restores normal service", async () => {
    env.sandbox.faults.clear();
    expect((await fetch(`${env.sandbox.url}/api/1/site/`)).status).toBe(200);
  });
});
