import { readFileSync } from "node:fs";
import type { Doc } from "../seed.ts";
import { list, model, string, type Model } from "./fields.ts";

/** license_fields (udata/core/dataset/api_fields.py) and the licences the platform offers. */
export const license: Model = model("License", {
  id: string(),
  title: string(),
  maintainer: string(),
  url: string(),
  flags: list(string()),
  alternate_urls: list(string()),
  alternate_titles: list(string()),
});

export const LICENSES: Doc[] = JSON.parse(
  readFileSync(new URL("../../../seed/main-api/licenses.json", import.meta.url), "utf8"),
);

/** udata/core/dataset/constants.py DEFAULT_LICENSE: what a dataset without a known licence answers. */
const DEFAULT_LICENSE: Doc = {
  id: "notspecified",
  title: "License Not Specified",
  flags: ["generic"],
  maintainer: null,
  url: null,
};

export function licenseOf(id: unknown): Doc {
  return LICENSES.find((l) => l.id === id) ?? DEFAULT_LICENSE;
}
