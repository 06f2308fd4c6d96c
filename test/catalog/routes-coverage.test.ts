import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_ONLY, callRoute, DataGouv, DataGouvError, MAIN_ROUTES, type RouteEntry } from "../../lib/index.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { API_KEY, OTHER_KEY, testSandbox } from "../support/sandbox.ts";
import { readReference, shape } from "../support/reference-routes.ts";

/**
 * Every Main API endpoint of ../shared/seed/datagouv-apis.md (parsed from the file) has a route in the client's table,
 * a typed method on the client, and an answer from the sandbox other than 404 or 405 when called with real ids.
 */

const ADMIN_KEY = "test-admin-key-0003@admin";
let env: Awaited<ReturnType<typeof testSandbox>>;
let admin: DataGouv;
let other: DataGouv;
let scratch: string;
const ids: Record<string, string> = {};
const communes = SEED_TABULAR[0];

const lines = readReference();
const routeFor = (method: string, path: string) =>
  MAIN_ROUTES.find(
    (e) =>
      e.route.method === method &&
      (shape(e.route.path) === shape(path) || (e.route.referenceAs && shape(e.route.referenceAs) === shape(path))),
  );

/** The reference's endpoints: each line's methods on each of its paths, where the shorthand's product is a route. */
function endpoints(): { method: string; path: string; entry: RouteEntry | undefined; line: string }[] {
  return lines.flatMap((line) =>
    line.paths.flatMap((path) =>
      line.methods
        .map((method) => ({ method, path, entry: routeFor(method, path), line: line.text }))
        .filter((e) => e.entry || line.paths.length === 1 || line.methods.length === 1),
    ),
  );
}

beforeAll(async () => {
  env = await testSandbox({ apiKeys: [API_KEY, OTHER_KEY, ADMIN_KEY] });
  const client = (apiKey: string) =>
    new DataGouv({ sandboxUrl: env.sandbox.url, apiKey, retry: { retries: 0 }, logger: { warn() {} } }, {});
  admin = client(ADMIN_KEY.split("@")[0]);
  other = client(OTHER_KEY.split("@")[0]);
  scratch = await mkdtemp(join(tmpdir(), "routes-coverage-"));
  await writeFile(join(scratch, "logo.png"), Buffer.from("89504e470d0a1a0a", "hex"));
  const dg = env.dg;
  const dataset = await dg.datasets.get(communes.datasetId);
  ids.dataset = dataset.id;
  ids.org = dataset.organization!.id;
  ids.rid = communes.resourceId;
  ids.otherUser = (await other.me.get()).id;
  ids.user = String((await admin.users.list().first()).data[0].id);
  ids.reuse = (await dg.reuses.list().first()).data[0].id;
  ids.dataservice = (await dg.dataservices.list().first()).data[0].id;
  ids.post = (await dg.posts.list().first()).data[0].id;
  ids.discussion = (await dg.discussions.list().first()).data[0].id;
  ids.community = (
    await other.datasets.createCommunityResource({
      dataset: { id: ids.dataset },
      title: "A mirror",
      url: "https://example.org/x.csv",
    })
  ).id;
  ids.contact = (
    await dg.contacts.create({ name: "Data team", role: "contact", email: "data@example.org", organization: ids.org })
  ).id;
  const source = await dg.harvest.createSource({
    name: "Own catalog",
    url: `${env.sandbox.url}/api/1/site/catalog.jsonld`,
    backend: "dcat",
    organization: ids.org,
  });
  ids.source = source.id;
  await admin.harvest.validate(source.id, { state: "accepted" });
  ids.job = String((await dg.harvest.run(source.id)).last_job?.id);
  ids.membership = (await other.organizations.requestMembership(ids.org, { comment: "please" })).id;
  ids.transfer = (
    await dg.transfers.propose({
      subject: { id: ids.dataset, class: "Dataset" },
      recipient: { id: ids.otherUser, class: "User" },
      comment: "yours",
    })
  ).id;
  ids.notification = String((await other.notifications.list().first()).data[0]?.id);
  ids.report = (await dg.reports.create({ subject: { id: ids.dataset, class: "Dataset" }, reason: "spam" })).id;
  ids.page = (await admin.pages.create({ blocs: [] })).id;
  ids.job_worker = (await admin.workers.createJob({ name: "nightly", task: "purge-datasets" })).id;
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await other?.close();
  await env?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The value of a route's path parameter, from what the set-up made. */
function argument(path: string, name: string): string {
  if (name === "id") {
    if (path.includes("/membership/")) return ids.membership;
    if (path.includes("/transfer/")) return ids.transfer;
    if (path.includes("/workers/jobs/")) return ids.job_worker;
    if (path.includes("/workers/tasks/")) return "a-task";
    if (path.includes("/spatial/zone/")) return "country:fr";
    if (path.includes("/datasets/r/")) return ids.rid;
    if (path.includes("/discussions/")) return ids.discussion;
    if (path.includes("/organizations/")) return ids.org;
    if (path.includes("/reuses/")) return ids.reuse;
    if (path.includes("/dataservices/")) return ids.dataservice;
    if (path.includes("/users/")) return ids.user;
    return ids.dataset;
  }
  const byName: Record<string, string> = {
    dataset: ids.dataset,
    rid: ids.rid,
    org: ids.org,
    user: path.includes("/member/") ? ids.otherUser : ids.user,
    reuse: ids.reuse,
    dataservice: ids.dataservice,
    post: ids.post,
    community: ids.community,
    contact_point: ids.contact,
    source: ids.source,
    ident: ids.job,
    notification: ids.notification,
    report: ids.report,
    page: ids.page,
    badge_kind: path.includes("organizations") ? "public-service" : "spd",
    _format: "ttl",
    cidx: "0",
    identifier: "someone",
    size: "32",
    level: "country",
    ids: "country:fr",
  };
  const value = byName[name];
  if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
  return value;
}

const endsTheKey = (e: { method: string; path: string }) =>
  e.path.startsWith("/me/") && (e.method === "DELETE" || e.path === "/me/apikey/");

/** A body the route accepts, where an empty one would only earn a 400. */
function bodyFor(path: string, method: string): unknown {
  if (/upload|avatar|logo|image/.test(path) && method === "POST") return { upload: join(scratch, "logo.png") };
  if (/\/badges\/$/.test(path)) return { kind: path.includes("organizations") ? "public-service" : "spd" };
  if (/dataservices\/\{[^}]+\}\/datasets\/$/.test(path)) return [{ id: ids.dataset }];
  return {};
}

/** Deleting an object itself comes after deleting what hangs off it (its badges, links, flags). */
const deletesAnObject = (e: { method: string; path: string }) =>
  e.method === "DELETE" && /^\/[\w/]+\/\{[^}]+\}\/$/.test(e.path);

const ORDER = { GET: 0, POST: 1, PUT: 1, PATCH: 1, DELETE: 2 } as const;

describe("the Main API routes of the reference", () => {
  it("parses the reference's Main API section into endpoints", () => {
    expect(lines.length).toBeGreaterThan(80);
    expect(endpoints().length).toBeGreaterThan(150);
  });

  it("has a route and a typed method for each endpoint (the browser-only sign-in routes apart)", () => {
    const missing = endpoints()
      .filter((e) => !e.entry && !BROWSER_ONLY.includes(e.path))
      .map((e) => `${e.method} ${e.path} (${e.line})`);
    expect(missing).toEqual([]);
    for (const { entry } of endpoints()) {
      if (!entry) continue;
      const group = (admin as unknown as Record<string, Record<string, unknown>>)[entry.group];
      expect(typeof group?.[entry.method], `${entry.group}.${entry.method}`).toBe("function");
    }
  });

  it("gets an answer other than 404 or 405 from the sandbox for each", async () => {
    const seen = new Set<RouteEntry>();
    const calls = endpoints()
      .filter((e) => e.entry && !seen.has(e.entry) && seen.add(e.entry))
      .sort((a, b) => ORDER[a.method as keyof typeof ORDER] - ORDER[b.method as keyof typeof ORDER])
      // the key's renewal and deletion last: they end what that key may call
      .sort((a, b) => Number(deletesAnObject(a)) - Number(deletesAnObject(b)))
      .sort((a, b) => Number(endsTheKey(a)) - Number(endsTheKey(b)));
    const statuses = new Map<string, number>();
    const refused: string[] = [];
    for (const { entry } of calls) {
      const { route } = entry!;
      const client = route.auth === "admin" ? admin : env.dg;
      const args: unknown[] = (route.path.match(/\{([^}]+)\}/g) ?? []).map((p) => argument(route.path, p.slice(1, -1)));
      if (route.body) args.push(bodyFor(route.path, route.method));
      let status = 200;
      try {
        const answer = await callRoute(client.http, route, args);
        const stream = answer as { text?: () => Promise<string> } | undefined;
        if (route.answer === "stream") await stream?.text?.();
      } catch (error) {
        if (!(error instanceof DataGouvError)) throw error;
        status = error.status ?? 0;
      }
      statuses.set(`${route.method} /${route.path}`, status);
      if (status === 404 || status === 405 || status === 0 || status >= 500)
        refused.push(`${route.method} /${route.path}: ${status}`);
    }
    console.log(
      [...statuses]
        .filter(([, s]) => s >= 400)
        .map(([r, s]) => `${s} ${r}`)
        .join("\n"),
    );
    const byStatus = new Map<number, number>();
    for (const s of statuses.values()) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    console.log(
      `${endpoints().length} endpoints of the reference, ${calls.length} routes called on the sandbox:`,
      Object.fromEntries(byStatus),
    );
    expect(refused).toEqual([]);
  }, 120_000);
});
