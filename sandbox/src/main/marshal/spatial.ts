import type { Doc } from "../seed.ts";
import { allZones, LEVELS } from "../zones.ts";
import { list, marshal, model, nested, raw, string, type MarshalContext, type Model } from "./fields.ts";

/** udata/core/spatial/api_fields.py: GeoJSON, zones, levels, granularities and a dataset's spatial coverage. */

const geojson: Model = model("GeoJSON", { type: string(), coordinates: list(raw()) });

const feature: Model = model("GeoJSONFeature", {
  id: string(),
  type: string(),
  geometry: nested(() => geojson),
  properties: raw(),
});

export const featureCollection: Model = model("GeoJSONFeatureCollection", {
  type: string(),
  features: list(nested(() => feature)),
});

export const zone: Model = model("GeoZone", {
  id: string(),
  name: string(),
  slug: string(),
  code: string(),
  level: string(),
  uri: string(),
});

export const zoneSuggestion: Model = model("TerritorySuggestion", {
  id: string(),
  name: string(),
  code: string(),
  level: string(),
  uri: string(),
});

export const level: Model = model("GeoLevel", { id: string(), name: string() });

/** udata/core/spatial/constants.py BASE_GRANULARITIES, after the levels. */
export const GRANULARITIES = [
  ...LEVELS.map(({ id, name }) => ({ id, name })),
  { id: "poi", name: "POI" },
  { id: "other", name: "Other" },
];

/** spatial_coverage_fields: zone ids and granularity id, or full objects with X-Get-Datasets-Full-Objects. */
export const spatialCoverage: Model = model("SpatialCoverage", {
  geom: nested(() => geojson, { allowNull: true }),
  zones: raw((s: Doc, ctx: MarshalContext) => {
    const ids: string[] = (s.zones ?? []).map(String);
    if (!ctx.fullObjects) return ids;
    return marshal(
      ids.map((id) => allZones().get(id) ?? { id }),
      zone,
      ctx,
    );
  }),
  granularity: raw((s: Doc, ctx: MarshalContext) => {
    if (!ctx.fullObjects) return s.granularity ?? null;
    const id = s.granularity || "other";
    return { id, name: GRANULARITIES.find((g) => g.id === id)?.name ?? "other" };
  }, "other"),
});

/** GeoZone.toGeoJSON (udata/core/spatial/models.py): a Feature without geometry. */
export function zoneFeature(z: Doc): Doc {
  return {
    id: z.id,
    type: "Feature",
    properties: { slug: z.slug, name: z.name, code: z.code, uri: z.uri, level: z.level },
  };
}
