import { VERSION } from "datagouv-kit";
import type { Doc } from "../seed.ts";
import { integer, list, model, raw, string, type Model } from "./fields.ts";
import { parseMask } from "./mask.ts";
import { metricsOf } from "./references.ts";

/** The site object (udata/core/site/models.py): its counters are the __metrics_keys__, 0 until computed. */
export const SITE_METRICS = [
  "max_dataset_followers",
  "max_dataset_reuses",
  "max_reuse_datasets",
  "max_reuse_followers",
  "max_org_followers",
  "max_org_reuses",
  "max_org_datasets",
  "datasets",
  "datasets_visits_by_months",
  "discussions",
  "followers",
  "organizations",
  "public-service",
  "resources",
  "resources_downloads_by_months",
  "reuses",
  "dataservices",
  "users",
  "harvesters",
  "users_by_months",
  "datasets_by_months",
  "harvesters_by_months",
  "reuses_by_months",
  "organizations_by_months",
  "discussions_by_months",
];

const SITE_FIELDS = {
  id: string(),
  metrics: metricsOf(SITE_METRICS),
  title: string(),
  keywords: list(string()),
  feed_size: integer(),
  datasets_blocs: list(raw(), (s: Doc) => s.datasets_blocs ?? []),
  reuses_blocs: list(raw(), (s: Doc) => s.reuses_blocs ?? []),
  dataservices_blocs: list(raw(), (s: Doc) => s.dataservices_blocs ?? []),
  version: string(() => VERSION),
};

/** Site.__read_fields__: the edito blocs are left out unless asked for (read_mask_exclude=SITE_BLOCS_FIELDS). */
export const site: Model = model(
  "Site",
  SITE_FIELDS,
  parseMask(
    Object.keys(SITE_FIELDS)
      .filter((key) => !key.endsWith("_blocs"))
      .join(","),
  ),
);
