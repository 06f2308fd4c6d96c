import { abbreviate } from "../http/errors.ts";
import { wireRefusal } from "../query/encode.ts";
import { TabularApi } from "../tabular/api.ts";
import type { Exportable, ExportableTabular, ExportOptions } from "../tabular/export-engine.ts";
import type { Duck } from "./connection.ts";
import { localRows } from "./local.ts";
import { profileOnce, servedProfile, type Placement } from "./placement.ts";
import { remoteRows, type StreamFormat } from "./remote.ts";
import { bound, isTabular, say, type Rows } from "./rows.ts";

export interface ModeChoice {
  mode: "remote" | "local";
  reason: string;
}

/** The Tabular API when it serves the resource and accepts the query; the local file otherwise. */
export async function chooseMode(
  query: ExportableTabular,
  profile = profileOnce(bound(query), query.resourceId),
): Promise<ModeChoice> {
  const refusal = wireRefusal(query.spec);
  if (refusal) return { mode: "local", reason: refusal };
  // a deleted resource (410) has no file to fall back on: the API's answer, which says so and where to look, stands
  if (!(await servedProfile(profile, [404])))
    return { mode: "local", reason: "the Tabular API does not serve this resource" };
  if (query.isAggregation && !(await new TabularApi(bound(query)).aggregationAllowed(query.resourceId))) {
    return { mode: "local", reason: "the Tabular API does not aggregate this resource" };
  }
  return { mode: "remote", reason: "the Tabular API serves this resource" };
}

export function describeChoice(choice: ModeChoice): string {
  return `running ${choice.mode === "remote" ? "remotely on the Tabular API" : "locally with DuckDB on the resource's file"} (${choice.reason})`;
}

/** Where the query runs, as `options.mode` says; auto mode chooses, and says what it chose through the logger. */
export async function place(query: Exportable, options: ExportOptions): Promise<Placement> {
  const mode = options.mode ?? "remote";
  if (!isTabular(query)) {
    if (mode === "local")
      throw new TypeError(
        `metrics queries run on the Metrics API only (there is no file to run ${query.model} on locally): use mode "remote" or "auto"`,
      );
    return { mode: "remote", query };
  }
  const profile = profileOnce(bound(query), query.resourceId);
  if (mode !== "auto") return { mode, query, profile };
  const choice = await chooseMode(query, profile);
  say(options.logger ?? bound(query).logger, `${describeChoice(choice)}: ${abbreviate(String(query))}`);
  return { mode: choice.mode, query, profile };
}

/**
 * The placed query's rows prepared on `duck`, fetched from the API or computed from the resource's file. Remote
 * Tabular rows come as `stream` says: CSV for DuckDB to read, JSON for the Arrow builders.
 */
export function prepareRows(
  placement: Placement,
  duck: Duck,
  options: ExportOptions,
  stream: StreamFormat = "csv",
): Promise<Rows> {
  if (placement.mode === "local") return localRows(placement.query, duck, options, placement.profile);
  return remoteRows(placement, options, stream);
}
