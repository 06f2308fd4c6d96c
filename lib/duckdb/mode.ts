import { DataGouvError } from "../http/errors.ts";
import { wireRefusal } from "../query/encode.ts";
import { TabularApi } from "../tabular/api.ts";
import type { TabularQuery } from "../tabular/query.ts";
import type { Duck } from "./connection.ts";
import { localRows } from "./local.ts";
import { remoteRows, type StreamFormat } from "./remote.ts";
import { bound, isTabular, say, type AnyQuery, type ExportOptions, type Rows } from "./rows.ts";

/** Where a query runs: the API ("remote"), the resource's downloaded file in DuckDB ("local"), or whichever serves it. */
export type Mode = "remote" | "local" | "auto";

export interface ModeChoice {
  mode: "remote" | "local";
  reason: string;
}

/** The Tabular API when it serves the resource and can be sent the query; the local file otherwise. */
export async function chooseMode(query: TabularQuery): Promise<ModeChoice> {
  const refusal = wireRefusal(query.spec);
  if (refusal) return { mode: "local", reason: refusal };
  const api = new TabularApi(bound(query));
  try {
    await api.profile(query.resourceId);
  } catch (error) {
    if (error instanceof DataGouvError && (error.status === 404 || error.status === 410))
      return { mode: "local", reason: "the Tabular API does not serve this resource" };
    throw error;
  }
  if (query.isAggregation && !(await api.aggregationAllowed(query.resourceId))) {
    return { mode: "local", reason: "the Tabular API does not aggregate this resource" };
  }
  return { mode: "remote", reason: "the Tabular API serves this resource" };
}

export function describeChoice(choice: ModeChoice): string {
  return `running ${choice.mode === "remote" ? "remotely on the Tabular API" : "locally with DuckDB on the resource's file"} (${choice.reason})`;
}

/** Where the query runs, as `options.mode` says; auto mode chooses, and says what it chose through the logger. */
export async function resolveMode(query: AnyQuery, options: ExportOptions): Promise<"remote" | "local"> {
  const mode = options.mode ?? "remote";
  if (!isTabular(query)) {
    if (mode === "local")
      throw new TypeError(
        `metrics queries run on the Metrics API only (there is no file to run ${query.model} on locally): use mode "remote" or "auto"`,
      );
    return "remote";
  }
  if (mode !== "auto") return mode;
  const choice = await chooseMode(query);
  say(options.logger ?? bound(query).logger, `${describeChoice(choice)}: ${query}`);
  return choice.mode;
}

/**
 * The query's rows prepared on `duck`, fetched from the API or computed from the resource's file, as `options.mode`
 * says. Remote Tabular rows come as `stream` says: CSV for DuckDB to read, JSON for the Arrow builders.
 */
export async function prepareRows(
  query: AnyQuery,
  duck: Duck,
  options: ExportOptions,
  stream: StreamFormat = "csv",
): Promise<Rows> {
  return (await resolveMode(query, options)) === "remote"
    ? remoteRows(query, options, stream)
    : localRows(query as TabularQuery, duck, options);
}
