import { createRequire } from "node:module";
import type { SandboxRequest } from "../types.ts";
import { MainError, NOT_FOUND, reply } from "./respond.ts";

/** Spatial zones (udata's geozones) for France's régions, départements and communes, from the Code officiel géographique. */

const require = createRequire(import.meta.url);
type Division = { code: string; nom: string; type?: string; population?: number };
let zones: Map<string, { id: string; code: string; name: string; level: string; population?: number }> | undefined;

function allZones() {
  if (!zones) {
    zones = new Map();
    const add = (level: string, list: Division[]) => {
      for (const d of list)
        if (!d.type || d.type === "commune-actuelle")
          zones!.set(`${level}:${d.code}`, {
            id: `${level}:${d.code}`,
            code: d.code,
            name: d.nom,
            level,
            population: d.population,
          });
    };
    add("fr:region", require("@etalab/decoupage-administratif/data/regions.json"));
    add("fr:departement", require("@etalab/decoupage-administratif/data/departements.json"));
    add("fr:commune", require("@etalab/decoupage-administratif/data/communes.json"));
    zones.set("country:fr", { id: "country:fr", code: "fr", name: "France", level: "country" });
  }
  return zones;
}

const feature = (zone: ReturnType<typeof allZones> extends Map<string, infer Z> ? Z : never) => ({
  id: zone.id,
  type: "Feature",
  geometry: null,
  properties: {
    code: zone.code,
    name: zone.name,
    level: zone.level,
    slug: zone.name.toLowerCase(),
    population: zone.population ?? null,
    uri: null,
  },
});

export function handleSpatial(request: SandboxRequest): boolean {
  const { path, url } = request;
  if (path === "/api/1/spatial/zones/suggest/") {
    const q = (url.searchParams.get("q") ?? "").toLowerCase();
    const size = Number(url.searchParams.get("size") ?? 10);
    const found = [...allZones().values()]
      .filter((z) => z.name.toLowerCase().startsWith(q) || z.code === q)
      .slice(0, size);
    reply(
      request,
      200,
      found.map((z) => ({ id: z.id, name: z.name, code: z.code, level: z.level })),
    );
    return true;
  }
  const match = /^\/api\/1\/spatial\/zones\/([^/]+)\/$/.exec(path);
  if (!match) return false;
  const ids = decodeURIComponent(match[1]).split(",");
  const found = ids.map((id) => allZones().get(id)).filter((z) => z !== undefined);
  if (found.length === 0) throw new MainError(404, NOT_FOUND);
  reply(request, 200, { type: "FeatureCollection", features: found.map(feature) });
  return true;
}
