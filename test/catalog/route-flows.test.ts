import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atomEntries, DataGouv, DataGouvError } from "../../lib/index.ts";
import { SEED_ORGANIZATIONS, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { API_KEY, OTHER_KEY, testSandbox } from "../support/sandbox.ts";

/** The producers' flows between two keys (and an administrator's) on the sandbox, through the typed methods. */

const ADMIN_KEY = "test-admin-key-0003@admin";
let env: Awaited<ReturnType<typeof testSandbox>>;
let dg: DataGouv;
let other: DataGouv;
let admin: DataGouv;
const clients: DataGouv[] = [];
const client = (apiKey: string) => {
  const made = new DataGouv({ sandboxUrl: env.sandbox.url, apiKey, retry: { retries: 0 }, logger: { warn() {} } }, {});
  clients.push(made);
  return made;
};
const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: unknown) => (error instanceof DataGouvError ? error.status : Promise.reject(error)),
  );
const communes = SEED_TABULAR[0];

beforeAll(async () => {
  env = await testSandbox({ apiKeys: [API_KEY, OTHER_KEY, ADMIN_KEY] });
  dg = env.dg;
  other = client(OTHER_KEY.split("@")[0]);
  admin = client(ADMIN_KEY.split("@")[0]);
}, 60_000);

afterAll(async () => {
  for (const made of clients) await made.close();
  await env?.close();
});

describe("flows between keys", () => {
  it("a community resource made by one key on another's dataset is its author's to edit", async () => {
    const made = await other.datasets.createCommunityResource({
      dataset: { id: communes.datasetId },
      title: "Communes, as GeoJSON",
      url: "https://example.org/communes.geojson",
    });
    expect(made.dataset?.id).toBe(communes.datasetId);
    const listed = await dg.datasets.communityResources({ query: { dataset: communes.datasetId } }).all();
    expect(listed.map((r) => r.id)).toContain(made.id);
    expect(await statusOf(dg.datasets.updateCommunityResource(made.id, { title: "Mine now" }))).toBe(403);
    expect((await other.datasets.updateCommunityResource(made.id, { title: "Communes (GeoJSON)" })).title).toBe(
      "Communes (GeoJSON)",
    );
    const anonymous = await fetch(`${env.sandbox.url}/api/1/datasets/community_resources/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
    const invalid = await statusOf(
      other.datasets.createCommunityResource({ dataset: { id: communes.datasetId } } as never),
    );
    expect(invalid).toBe(400);
  });

  it("a membership request accepted makes the requester able to edit the organization's datasets", async () => {
    const org = (await dg.datasets.get(communes.datasetId)).organization!.id;
    expect(await statusOf(other.datasets.update(communes.datasetId, { description: "by a member" }))).toBe(403);
    const request = await other.organizations.requestMembership(org, { comment: "I maintain these files" });
    expect(request.status).toBe("pending");
    expect(await statusOf(other.organizations.membershipRequests(org))).toBe(403);
    const pending = await dg.organizations.membershipRequests(org, { query: { status: "pending" } });
    expect(pending.map((r) => r.id)).toContain(request.id);
    const member = await dg.organizations.acceptMembership(org, request.id);
    expect(member.user?.id).toBe((await other.me.get()).id);
    expect((await other.datasets.update(communes.datasetId, { description: "by a member" })).description).toBe(
      "by a member",
    );
    const answered = await dg.organizations.membershipRequests(org, { query: { status: "accepted" } });
    expect(answered.map((r) => r.id)).toContain(request.id);
  });

  it("a transfer proposed by the owner and accepted by the recipient moves the dataset", async () => {
    const laPoste = SEED_ORGANIZATIONS.find((o) => o.slug === "la-poste")!;
    const dataset = (await dg.organizations.datasets(laPoste.id).first()).data[0];
    const recipient = await other.me.get();
    expect(
      await statusOf(
        other.transfers.propose({
          subject: { id: dataset.id, class: "Dataset" },
          recipient: { id: recipient.id, class: "User" },
          comment: "mine?",
        }),
      ),
    ).toBe(403);
    const transfer = await dg.transfers.propose({
      subject: { id: dataset.id, class: "Dataset" },
      recipient: { id: recipient.id, class: "User" },
      comment: "You maintain it now",
    });
    expect(transfer.status).toBe("pending");
    expect(await statusOf(dg.transfers.respond(transfer.id, { response: "accept" }))).toBe(403);
    expect((await other.transfers.list()).map((t) => t.id)).toContain(transfer.id);
    const accepted = await other.transfers.respond(transfer.id, { response: "accept", comment: "Thanks" });
    expect(accepted.status).toBe("accepted");
    const moved = await dg.datasets.get(dataset.id);
    expect(moved.owner?.id).toBe(recipient.id);
    expect(moved.organization).toBeNull();
    expect(await statusOf(dg.datasets.update(dataset.id, { description: "still mine?" }))).toBe(403);
  });

  it("notifications of those flows are read by their user", async () => {
    const pending = await other.notifications.list({ query: { handled: false } }).all();
    expect(pending.length).toBeGreaterThan(0);
    const read = await other.notifications.read(pending[0].id);
    expect(read.handled_at).not.toBeNull();
    const still = await other.notifications.list({ query: { handled: false } }).all();
    expect(still.map((n) => n.id)).not.toContain(pending[0].id);
    expect(await statusOf(dg.notifications.read(pending[1]?.id ?? pending[0].id))).toBe(403);
  });

  it("a harvest source over the sandbox's own DCAT catalog: created, previewed, validated, run, its job and datasets", async () => {
    const org = SEED_ORGANIZATIONS.find((o) => o.slug === "sandbox-data-gouv-fr")!;
    const catalog = `${env.sandbox.url}/api/1/organizations/${SEED_ORGANIZATIONS[0].id}/catalog.jsonld`;
    const remote = await dg.organizations.datasets(SEED_ORGANIZATIONS[0].id).all();
    const source = await dg.harvest.createSource({
      name: "Insee, harvested",
      url: catalog,
      backend: "dcat",
      organization: org.id,
    });
    expect(source.validation.state).toBe("pending");
    expect(await statusOf(dg.harvest.createSource({ name: "x", url: catalog, backend: "ckan" }))).toBe(400);
    const preview = await dg.harvest.preview(source.id);
    expect(preview.items).toHaveLength(remote.length);
    expect(preview.items.every((item) => item.status === "done")).toBe(true);
    expect(await statusOf(dg.harvest.run(source.id))).toBe(400);
    expect(await statusOf(dg.harvest.validate(source.id, { state: "accepted" }))).toBe(403);
    await admin.harvest.validate(source.id, { state: "accepted" });
    const ran = await dg.harvest.run(source.id);
    expect(ran.last_job?.status).toBe("done");
    const job = await dg.harvest.job(ran.last_job!.id);
    expect(job.items.map((i) => i.remote_id).sort()).toEqual(remote.map((d) => d.id).sort());
    const jobs = await dg.harvest.jobs(source.id).all();
    expect(jobs.map((j) => j.id)).toContain(job.id);
    for (const item of job.items) {
      const harvested = await dg.datasets.get(item.dataset!.id);
      expect(harvested.organization?.id).toBe(org.id);
      expect((harvested.harvest as { source_id?: string }).source_id).toBe(source.id);
    }
    const again = await dg.harvest.job((await dg.harvest.run(source.id)).last_job!.id);
    expect(again.items.map((i) => i.dataset!.id).sort()).toEqual(job.items.map((i) => i.dataset!.id).sort());
  });

  it("a renewed key works and the old one is refused", async () => {
    const renewing = client("test-other-key-0002");
    const before = await renewing.me.get();
    const { apikey } = await renewing.me.renewApiKey();
    expect(apikey).not.toBe("test-other-key-0002");
    const refused = await statusOf(renewing.me.get());
    expect(refused).toBe(401);
    expect((await client(apikey).me.get()).id).toBe(before.id);
  });
});

describe("formats other than JSON", () => {
  it("serves the catalog as DCAT in JSON-LD, Turtle and RDF/XML, and the newest datasets as Atom", async () => {
    const jsonld = JSON.parse(await (await dg.site.catalogAs("jsonld")).text());
    const datasets = jsonld["@graph"].filter(
      (n: { "@type"?: string }) => n["@type"] === "http://www.w3.org/ns/dcat#Dataset",
    );
    const { total } = await dg.datasets.list().first();
    expect(datasets.length).toBeGreaterThan(0);
    expect(datasets.length).toBeLessThanOrEqual(total);
    const turtle = await dg.site.catalogAs("ttl");
    expect(turtle.contentType).toMatch(/^text\/turtle/);
    expect(await turtle.text()).toContain("dcat:distribution");
    const xml = await dg.datasets.rdfAs(communes.datasetId, "xml");
    expect(xml.contentType).toMatch(/^application\/rdf\+xml/);
    expect(await xml.text()).toContain(communes.datasetId);
    const viaRedirect = JSON.parse(await (await dg.datasets.rdf(communes.datasetId)).text());
    expect(JSON.stringify(viaRedirect)).toContain(communes.datasetId);
    const entries = await atomEntries(await dg.datasets.recent());
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.title && e.link && e.updated)).toBe(true);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    const latest = await dg.datasets.latestResource(communes.resourceId);
    expect(latest).toContain(`/sandbox/files/${communes.resourceId}`);
  });
});
