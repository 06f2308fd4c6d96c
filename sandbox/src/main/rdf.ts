import { MainError, NOT_FOUND, reply } from "./respond.ts";
import { found, type Call, type RouteSpec } from "./routing.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";

/**
 * DCAT from the sandbox's catalog, in udata's formats (udata/rdf.py): JSON-LD, Turtle, N3, N-Triples, RDF/XML. A few
 * properties of DCAT-AP, enough for a harvester (the sandbox's own included) to read datasets and distributions back.
 */

export const PREFIXES: Record<string, string> = {
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
};

const FORMATS: Record<string, string> = {
  json: "application/ld+json",
  jsonld: "application/ld+json",
  ttl: "text/turtle",
  n3: "text/n3",
  nt: "application/n-triples",
  xml: "application/rdf+xml",
  rdf: "application/rdf+xml",
};

type Term = { iri: string } | { literal: string };
type Triple = [subject: string, predicate: string, object: Term];

const iri = (value: string): Term => ({ iri: value });
const lit = (value: unknown): Term => ({ literal: String(value ?? "") });

export function datasetTriples(d: Doc): Triple[] {
  const s = d.uri ?? `${SANDBOX_ORIGIN}/api/1/datasets/${d.id}/`;
  const out: Triple[] = [
    [s, "rdf:type", iri(`${PREFIXES.dcat}Dataset`)],
    [s, "dct:identifier", lit(d.id)],
    [s, "dct:title", lit(d.title)],
    [s, "dct:description", lit(d.description)],
    [s, "dcat:landingPage", iri(d.page ?? s)],
  ];
  if (d.last_modified) out.push([s, "dct:modified", lit(d.last_modified)]);
  for (const tag of d.tags ?? []) out.push([s, "dcat:keyword", lit(tag)]);
  if (d.organization?.uri) out.push([s, "dct:publisher", iri(d.organization.uri)]);
  for (const r of d.resources ?? []) {
    const r_ = `${SANDBOX_ORIGIN}/datasets/${d.id}/resources/${r.id}`;
    out.push(
      [s, "dcat:distribution", iri(r_)],
      [r_, "rdf:type", iri(`${PREFIXES.dcat}Distribution`)],
      [r_, "dct:identifier", lit(r.id)],
      [r_, "dct:title", lit(r.title)],
      [r_, "dcat:accessURL", iri(r.url)],
      [r_, "dct:format", lit(r.format ?? "")],
    );
  }
  return out;
}

export function dataserviceTriples(s: Doc): Triple[] {
  const subject = `${SANDBOX_ORIGIN}/api/1/dataservices/${s.id}/`;
  return [
    [subject, "rdf:type", iri(`${PREFIXES.dcat}DataService`)],
    [subject, "dct:identifier", lit(s.id)],
    [subject, "dct:title", lit(s.title)],
    [subject, "dct:description", lit(s.description)],
    ...(s.base_api_url ? [[subject, "dcat:endpointURL", iri(s.base_api_url)] as Triple] : []),
  ];
}

export function catalogTriples(uri: string, title: string, datasets: Doc[]): Triple[] {
  return [
    [uri, "rdf:type", iri(`${PREFIXES.dcat}Catalog`)],
    [uri, "dct:title", lit(title)],
    ...datasets.flatMap((d): Triple[] => [[uri, "dcat:dataset", iri(d.uri)], ...datasetTriples(d)]),
  ];
}

const expand = (name: string) => {
  const [prefix, local] = name.split(":");
  return `${PREFIXES[prefix]}${local}`;
};
const escape = (text: string) => JSON.stringify(text);
const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const ntTerm = (t: Term) => ("iri" in t ? `<${t.iri}>` : escape(t.literal));

function bySubject(triples: Triple[]): Map<string, Triple[]> {
  const map = new Map<string, Triple[]>();
  for (const t of triples) map.set(t[0], [...(map.get(t[0]) ?? []), t]);
  return map;
}

export function serialize(triples: Triple[], format: string): string {
  if (format === "nt") return triples.map(([s, p, o]) => `<${s}> <${expand(p)}> ${ntTerm(o)} .\n`).join("");
  if (format === "ttl" || format === "n3") {
    const head = Object.entries(PREFIXES).map(([p, u]) => `@prefix ${p}: <${u}> .\n`);
    const blocks = [...bySubject(triples)].map(
      ([s, ts]) => `<${s}>\n${ts.map(([, p, o]) => `    ${p} ${ntTerm(o)}`).join(" ;\n")} .\n`,
    );
    return `${head.join("")}\n${blocks.join("\n")}`;
  }
  if (format === "xml" || format === "rdf") {
    const ns = Object.entries(PREFIXES).map(([p, u]) => ` xmlns:${p}="${u}"`);
    const blocks = [...bySubject(triples)].map(
      ([s, ts]) =>
        `  <rdf:Description rdf:about="${xmlEscape(s)}">\n${ts
          .map(([, p, o]) =>
            "iri" in o ? `    <${p} rdf:resource="${xmlEscape(o.iri)}"/>` : `    <${p}>${xmlEscape(o.literal)}</${p}>`,
          )
          .join("\n")}\n  </rdf:Description>\n`,
    );
    return `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF${ns.join("")}>\n${blocks.join("")}</rdf:RDF>\n`;
  }
  const graph = [...bySubject(triples)].map(([s, ts]) => {
    const node: Doc = { "@id": s };
    for (const [, p, o] of ts) {
      const key = p === "rdf:type" ? "@type" : p;
      const value = p === "rdf:type" && "iri" in o ? o.iri : "iri" in o ? { "@id": o.iri } : o.literal;
      node[key] = node[key] === undefined ? value : [node[key], value].flat();
    }
    return node;
  });
  return JSON.stringify({ "@context": PREFIXES, "@graph": graph });
}

function send(call: Call, triples: Triple[], format: string): void {
  const type = FORMATS[format];
  if (!type) throw new MainError(404, NOT_FOUND);
  const text = serialize(triples, format).replaceAll(SANDBOX_ORIGIN, call.request.origin);
  call.request.res.writeHead(200, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(text),
  });
  call.request.res.end(text);
}

function redirect(call: Call, to: string): void {
  call.request.res.writeHead(302, { location: `${call.request.origin}${to}` });
  call.request.res.end();
}

const publicDatasets = (call: Call, keep: (d: Doc) => boolean = () => true) =>
  call.ctx.store.all("datasets").filter((d) => !d.private && !d.deleted && !d.archived && keep(d));

function dataset(call: Call): Doc {
  const d = found(call.ctx, "datasets", call.params[0]);
  if (d.private || d.deleted) throw new MainError(404, NOT_FOUND);
  return d;
}

export const RDF_ROUTES: RouteSpec[] = [
  ["GET", "/api/1/datasets/{}/rdf", (call) => redirect(call, `/api/1/datasets/${dataset(call).id}/rdf.jsonld`)],
  ["GET", "/api/1/datasets/{}/rdf.{}", (call) => send(call, datasetTriples(dataset(call)), call.params[1])],
  [
    "GET",
    "/api/1/dataservices/{}/rdf",
    (call) => redirect(call, `/api/1/dataservices/${found(call.ctx, "dataservices", call.params[0]).id}/rdf.jsonld`),
  ],
  [
    "GET",
    "/api/1/dataservices/{}/rdf.{}",
    (call) => send(call, dataserviceTriples(found(call.ctx, "dataservices", call.params[0])), call.params[1]),
  ],
  [
    "GET",
    "/api/1/organizations/{}/catalog",
    (call) =>
      redirect(call, `/api/1/organizations/${found(call.ctx, "organizations", call.params[0]).id}/catalog.jsonld`),
  ],
  [
    "GET",
    "/api/1/organizations/{}/catalog.{}",
    (call) => {
      const org = found(call.ctx, "organizations", call.params[0]);
      const uri = `${SANDBOX_ORIGIN}/api/1/organizations/${org.id}/catalog`;
      send(
        call,
        catalogTriples(
          uri,
          org.name,
          publicDatasets(call, (d) => d.organization?.id === org.id),
        ),
        call.params[1],
      );
    },
  ],
  ["GET", "/api/1/site/catalog", (call) => redirect(call, "/api/1/site/catalog.jsonld")],
  [
    "GET",
    "/api/1/site/catalog.{}",
    (call) =>
      send(
        call,
        catalogTriples(`${SANDBOX_ORIGIN}/api/1/site/catalog`, "data.gouv.fr sandbox", publicDatasets(call)),
        call.params[0],
      ),
  ],
  ["GET", "/api/1/site/data.{}", (call) => redirect(call, `/api/1/site/catalog.${call.params[0]}`)],
  ["GET", "/api/1/site/context.jsonld", (call) => reply(call.request, 200, { "@context": PREFIXES })],
];
