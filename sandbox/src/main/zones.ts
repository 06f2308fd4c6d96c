import { createRequire } from "node:module";

/**
 * Spatial zones (udata's GeoZone: id, slug, name, code, level, uri) for France, its régions, départements and
 * communes, from the Code officiel géographique; and the levels they belong to (GeoLevel), coarsest first.
 */
export interface Zone {
  id: string;
  slug: string;
  name: string;
  code: string;
  level: string;
  uri: string | null;
}

/** The levels the sandbox's zones use, with their administrative rank (GeoLevel.admin_level) and English name. */
export const LEVELS: { id: string; name: string; adminLevel: number }[] = [
  { id: "country", name: "Country", adminLevel: 10 },
  { id: "fr:region", name: "French region", adminLevel: 40 },
  { id: "fr:departement", name: "French county", adminLevel: 60 },
  { id: "fr:commune", name: "French town", adminLevel: 80 },
];

const require = createRequire(import.meta.url);
type Division = { code: string; nom: string; type?: string };
let zones: Map<string, Zone> | undefined;

const slugify = (name: string) =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

export function allZones(): Map<string, Zone> {
  if (!zones) {
    zones = new Map();
    const add = (level: string, list: Division[]) => {
      for (const d of list)
        if (!d.type || d.type === "commune-actuelle") {
          const id = `${level}:${d.code}`;
          zones!.set(id, { id, slug: slugify(d.nom), name: d.nom, code: d.code, level, uri: null });
        }
    };
    zones.set("country:fr", {
      id: "country:fr",
      slug: "france",
      name: "France",
      code: "fr",
      level: "country",
      uri: null,
    });
    add("fr:region", require("@etalab/decoupage-administratif/data/regions.json"));
    add("fr:departement", require("@etalab/decoupage-administratif/data/departements.json"));
    add("fr:commune", require("@etalab/decoupage-administratif/data/communes.json"));
  }
  return zones;
}

/** A zone id as udata reads it: legacy ids carry a validity date (`fr:commune:75056@1942-01-01`), dropped. */
export function zoneId(id: string): string {
  return /^([a-z]+:[a-z]+:\d+)@(\d{4}-\d{2}-\d{2})$/.test(id) ? id.split("@")[0] : id;
}
