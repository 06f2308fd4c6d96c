import type { Doc } from "../seed.ts";
import { frequencyDelta, frequencyOf } from "./vocabulary.ts";

/**
 * A dataset's quality block as udata computes it (udata/core/dataset/models.py compute_quality, quality,
 * compute_quality_score), for datasets stored without one: nine criteria, the score their share.
 */
const CLOSED_FORMATS = ["pdf", "doc", "docx", "word", "xls", "excel", "xlsx"];
const QUALITY_DESCRIPTION_LENGTH = 100;
const DAY = 86_400_000;

export function qualityOf(dataset: Doc, now = Date.now()): Doc {
  if (dataset.quality && typeof dataset.quality === "object" && "score" in dataset.quality) return dataset.quality;
  const frequency = frequencyOf(dataset.frequency);
  const resources: Doc[] = dataset.resources ?? [];
  const quality: Doc = {
    license: !!dataset.license,
    temporal_coverage: !!dataset.temporal_coverage,
    spatial: !!dataset.spatial,
    update_frequency: frequency !== "unknown",
    dataset_description_quality: String(dataset.description ?? "").length > QUALITY_DESCRIPTION_LENGTH,
  };
  if (resources.length) {
    const remote = resources.filter((r) => r.filetype === "remote");
    Object.assign(quality, {
      has_resources: true,
      has_open_format: !resources.every((r) => !r.format || CLOSED_FORMATS.includes(String(r.format).toLowerCase())),
      all_resources_available: remote.every((r) => r.extras?.["check:available"] !== false),
      resources_documentation: resources.some((r) => r.type === "documentation" || !!r.description),
    });
  }
  const delta = frequencyDelta(frequency);
  const lastUpdate = Date.parse(dataset.last_update ?? dataset.last_modified ?? "");
  if (quality.update_frequency && delta !== null && !Number.isNaN(lastUpdate))
    quality.update_fulfilled_in_time = Math.floor((lastUpdate + delta - now) / DAY) >= -1;
  else if (quality.update_frequency && delta === null) quality.update_fulfilled_in_time = true;
  const criteria = [
    "license",
    "temporal_coverage",
    "spatial",
    "update_frequency",
    "update_fulfilled_in_time",
    "dataset_description_quality",
    "has_open_format",
    "all_resources_available",
    "resources_documentation",
  ];
  quality.score = criteria.filter((key) => quality[key] === true).length / 9;
  return quality;
}
