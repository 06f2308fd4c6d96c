import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataGouv } from "../../lib/client.ts";
import { DataGouvError } from "../../lib/http/index.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { API_KEY, get, OTHER_KEY, testSandbox } from "../support/sandbox.ts";

/** The client's write side against the sandbox: what udata answers, surfaced as DataGouvErrors with what to do. */

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
const requests: string[] = [];
const ORG = SEED_TABULAR[0].organizationId;

beforeAll(async () => {
  env = await testSandbox({
    apiKeys: [API_KEY, OTHER_KEY, "expired-key-0003!expired", "revoked-key-0004!revoked"],
    onRequest: (method, path) => requests.push(`${method} ${path}`),
  });
  dir = await mkdtemp(join(tmpdir(), "datagouv-writes-"));
});
afterAll(async () => {
  await env?.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (options: ConstructorParameters<typeof DataGouv>[0] = {}) =>
  new DataGouv({ sandboxUrl: env.sandbox.url, retry: { retries: 0 }, logger: { warn() {} }, ...options }, {});

async function failure(promise: Promise<unknown>): Promise<DataGouvError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataGouvError);
  return error as DataGouvError;
}

describe("datasets and resources", () => {
  it("create a draft, read it back, update it, add, upload, reorder and delete resources, delete it", async () => {
    const { dg } = env;
    const draft = await dg.datasets.create({
      title: "Écoles du sandbox",
      description: "Un brouillon",
      organization: ORG,
      private: true,
      tags: ["Écoles", "1er degré", "ab", "écoles"],
    });
    expect(draft.private).toBe(true);
    // tags as udata keeps them: slugified, short ones dropped, no repeats
    expect(draft.tags).toEqual(["ecoles", "1er-degre"]);
    // a draft is not found without the key, and found with it
    expect((await get(`${env.sandbox.url}/api/1/datasets/${draft.id}/`)).status).toBe(404);
    expect((await dg.datasets.get(draft.id, { auth: true })).title).toBe("Écoles du sandbox");

    const updated = await dg.datasets.update(draft.id, { description: "Publié", private: false, frequency: "monthly" });
    expect([updated.description, updated.private, updated.frequency, updated.title]).toEqual([
      "Publié",
      false,
      "monthly",
      "Écoles du sandbox",
    ]);
    expect((await get(`${env.sandbox.url}/api/1/datasets/${draft.id}/`)).status).toBe(200);

    const link = await dg.datasets.createResource(draft.id, {
      title: "Documentation",
      url: "https://example.org/doc.pdf",
      type: "documentation",
      format: "pdf",
    });
    expect([link.filetype, link.type, link.url]).toEqual(["remote", "documentation", "https://example.org/doc.pdf"]);

    const csv = join(dir, "ecoles.csv");
    await writeFile(csv, "code,nom,eleves\n01001,École A,120\n75056,École B,340\n");
    const sent: number[] = [];
    const file = await dg.datasets.uploadResource(draft.id, csv, { onProgress: (bytes) => sent.push(bytes) });
    expect(file.title).toBe("ecoles.csv");
    expect(file.checksum).toEqual({
      type: "sha1",
      value: createHash("sha1").update("code,nom,eleves\n01001,École A,120\n75056,École B,340\n").digest("hex"),
    });
    expect(sent.at(-1)).toBeGreaterThan(60);
    // the uploaded CSV is queryable through the Tabular API, codes keeping their leading zeros
    const rows = await dg.tabular(file.id).sort("code").all();
    expect(rows.map((r) => [r.code, r.nom, r.eleves])).toEqual([
      ["01001", "École A", 120],
      ["75056", "École B", 340],
    ]);

    const renamed = await dg.datasets.updateResource(draft.id, file.id, {
      title: "Écoles",
      description: "Une ligne par école",
    });
    expect([renamed.title, renamed.description, renamed.checksum?.value]).toEqual([
      "Écoles",
      "Une ligne par école",
      file.checksum?.value,
    ]);

    const order = await dg.datasets.reorderResources(draft.id, [file.id, link.id]);
    expect(order.map((r) => r.id)).toEqual([file.id, link.id]);
    expect(((await dg.datasets.get(draft.id)).resources ?? []).map((r) => r.id)).toEqual([file.id, link.id]);

    await dg.datasets.deleteResource(draft.id, link.id);
    expect(((await dg.datasets.get(draft.id)).resources ?? []).map((r) => r.id)).toEqual([file.id]);

    await dg.datasets.delete(draft.id);
    expect((await get(`${env.sandbox.url}/api/1/datasets/${draft.id}/`)).status).toBe(410);
    const gone = await failure(dg.datasets.update(draft.id, { title: "Trop tard" }));
    expect([gone.status, gone.serverMessage]).toEqual([410, "Dataset has been deleted"]);
    expect(gone.hint).toMatch(/deleted/);
  });

  it("a new version of a file replaces the old one; an upload cut midway leaves the previous file, metadata and rows", async () => {
    const { dg } = env;
    const dataset = await dg.datasets.create({ title: "Versions", description: "Deux versions", organization: ORG });
    const first = join(dir, "versions.csv");
    await writeFile(first, "annee,valeur\n2023,1\n2024,2\n");
    const v1 = await dg.datasets.uploadResource(dataset.id, first);
    await writeFile(
      first,
      `annee,valeur\n${Array.from({ length: 20_000 }, (_, i) => `${2000 + (i % 30)},${i}`).join("\n")}\n`,
    );
    env.sandbox.faults.set(`/api/1/datasets/${dataset.id}/resources/*/upload/:cut-request-after=65536`);
    try {
      const cut = await failure(dg.datasets.uploadResource(dataset.id, first, { resourceId: v1.id }));
      expect(cut.status).toBeUndefined();
      expect(cut.kind).not.toBe("http");
    } finally {
      env.sandbox.faults.clear();
    }
    const after = (await dg.datasets.get(dataset.id)).resources!.find((r) => r.id === v1.id)!;
    expect([after.checksum?.value, after.filesize]).toEqual([v1.checksum?.value, v1.filesize]);
    expect((await dg.tabular(v1.id).all()).length).toBe(2);

    const v2 = await dg.datasets.uploadResource(dataset.id, first, { resourceId: v1.id });
    expect(v2.id).toBe(v1.id);
    expect(v2.checksum?.value).not.toBe(v1.checksum?.value);
    expect(await dg.tabular(v1.id).where("annee", "exact", 2029).count()).toBe(666);
  });

  it("streams a large upload from disk without holding it in memory", async () => {
    const { dg } = env;
    const dataset = await dg.datasets.create({
      title: "Gros fichier",
      description: "64 MB",
      organization: ORG,
      private: true,
    });
    const big = join(dir, "big.zip");
    const chunk = Buffer.alloc(1 << 20, 7);
    await writeFile(big, Buffer.concat(Array.from({ length: 64 }, () => chunk)));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const resource = await dg.datasets.uploadResource(dataset.id, big, {
      onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)),
    });
    expect(resource.filesize).toBe(64 << 20);
    // the client and the sandbox (same process) each hold a few chunks at a time, never the 64 MB file
    expect((peak - before) / 2 ** 20).toBeLessThan(48);
  });
});

describe("community writes", () => {
  it("reuses: create with a dataset, update, link another dataset once, follow and unfollow", async () => {
    const { dg } = env;
    const [a, b] = [SEED_TABULAR[0].datasetId, SEED_TABULAR[1].datasetId];
    const before = (await dg.datasets.get(a)).metrics?.reuses ?? 0;
    const reuse = await dg.reuses.create({
      title: "Carte des communes",
      description: "Une carte",
      url: "https://example.org/carte",
      type: "visualization",
      topic: "housing_and_development",
      datasets: [a],
    });
    expect(reuse.datasets?.map((d) => (typeof d === "string" ? d : d.id))).toEqual([a]);
    expect((await dg.datasets.get(a)).metrics?.reuses).toBe(before + 1);
    expect((await dg.reuses.update(reuse.id, { title: "Carte des communes de France" })).title).toBe(
      "Carte des communes de France",
    );
    const linked = await dg.reuses.addDataset(reuse.id, b);
    expect(linked.datasets).toHaveLength(2);
    expect((await dg.reuses.addDataset(reuse.id, b)).datasets).toHaveLength(2);

    const invalid = await failure(
      dg.reuses.create({
        title: "Sans type",
        description: "x",
        url: "https://example.org",
        type: "film" as never,
        topic: "others",
      }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.fieldErrors).toEqual({ type: ["Not a valid choice."] });

    const followers = Number((await dg.reuses.get(reuse.id)).metrics?.followers ?? 0);
    expect(await dg.reuses.follow(reuse.id)).toBe(followers + 1);
    expect(await dg.reuses.follow(reuse.id)).toBe(followers + 1);
    expect(await dg.reuses.unfollow(reuse.id)).toBe(followers);
    expect((await failure(dg.reuses.unfollow(reuse.id))).status).toBe(404);
    expect(await dg.organizations.follow(ORG)).toBeGreaterThan(0);
  });

  it("discussions: open, comment, close; a closed one takes no comment, and only the subject's producers close it", async () => {
    const { dg } = env;
    const outsider = client({ apiKey: OTHER_KEY.split("@")[0] });
    try {
      const subject = { class: "Dataset" as const, id: SEED_TABULAR[0].datasetId };
      const opened = await outsider.discussions.open({
        title: "Colonne manquante",
        comment: "Où est la population ?",
        subject,
      });
      expect(opened.discussion).toHaveLength(1);
      const answered = await dg.discussions.comment(opened.id, "Dans la colonne population.");
      expect(answered.discussion?.map((m) => m.content)).toEqual([
        "Où est la population ?",
        "Dans la colonne population.",
      ]);
      const refused = await failure(outsider.discussions.close(opened.id));
      expect(refused.status).toBe(403);
      const closed = await dg.discussions.close(opened.id, "Résolu.");
      expect(closed.closed).toBeTruthy();
      expect(closed.discussion).toHaveLength(3);
      const late = await failure(outsider.discussions.comment(opened.id, "Merci"));
      expect([late.status, late.serverMessage]).toEqual([403, "Can't add comments on a closed discussion"]);
      expect((await dg.discussions.list({ for: subject.id, closed: true }).all()).map((d) => d.id)).toContain(
        opened.id,
      );
    } finally {
      await outsider.close();
    }
  });
});

describe("keys, permissions and retries", () => {
  it("no key: refused before any request; a wrong key: 401 from the server; another organization's dataset: 403", async () => {
    const anonymous = client();
    const wrong = client({ apiKey: "not-a-real-key-000" });
    const outsider = client({ apiKey: OTHER_KEY.split("@")[0] });
    try {
      const count = requests.length;
      const missing = await failure(anonymous.datasets.create({ title: "x", description: "y" }));
      expect([missing.status, requests.length]).toEqual([401, count]);
      expect(missing.hint).toMatch(/DATAGOUV_API_KEY/);
      const invalid = await failure(wrong.users.me());
      expect([invalid.status, invalid.serverMessage]).toEqual([401, "Invalid API token"]);
      for (const [key, message] of [
        ["expired-key-0003", "Expired API token"],
        ["revoked-key-0004", "Revoked API token"],
      ]) {
        const refused = client({ apiKey: key });
        const error = await failure(refused.datasets.update(SEED_TABULAR[0].datasetId, { title: "x" }));
        expect([error.status, error.serverMessage]).toEqual([401, message]);
        expect(error.hint).toMatch(/expired or revoked/);
        await refused.close();
      }
      expect(String(invalid.message) + JSON.stringify(invalid)).not.toContain("not-a-real-key-000");
      const forbidden = await failure(outsider.datasets.update(SEED_TABULAR[0].datasetId, { title: "Pris" }));
      expect(forbidden.status).toBe(403);
      expect(forbidden.hint).toMatch(/member/);
      expect((await env.dg.datasets.get(SEED_TABULAR[0].datasetId)).title).not.toBe("Pris");
      const validation = await failure(env.dg.datasets.create({ title: "", description: "y", license: "wtfpl" }));
      expect(validation.status).toBe(400);
      expect(validation.fieldErrors).toEqual({ title: ["This field is required."], license: ["Not a valid choice."] });
    } finally {
      await Promise.all([anonymous.close(), wrong.close(), outsider.close()]);
    }
  });

  it("an update is retried after a 503; a create is not; the anti-spam 423 says what to do", async () => {
    const retrying = client({ apiKey: API_KEY, retry: { retries: 2, minDelayMs: 10, maxDelayMs: 50 } });
    try {
      const dataset = await retrying.datasets.create({ title: "Réessais", description: "x", organization: ORG });
      env.sandbox.faults.set(`/api/1/datasets/${dataset.id}/:status=503,nth=1`);
      expect((await retrying.datasets.update(dataset.id, { description: "après un 503" })).description).toBe(
        "après un 503",
      );
      env.sandbox.faults.set("/api/1/datasets/:status=503,nth=1");
      const creates = () => requests.filter((r) => r === "POST /api/1/datasets/").length;
      const before = creates();
      expect(
        (await failure(retrying.datasets.create({ title: "Une fois", description: "x", organization: ORG }))).status,
      ).toBe(503);
      expect(creates() - before).toBe(1);
      env.sandbox.faults.set("/api/1/discussions/:status=423");
      const spam = await failure(
        retrying.discussions.open({ title: "x", comment: "y", subject: { class: "Dataset", id: dataset.id } }),
      );
      expect(spam.status).toBe(423);
      expect(spam.hint).toMatch(/anti-spam/);
    } finally {
      env.sandbox.faults.clear();
      await retrying.close();
    }
  });
});
