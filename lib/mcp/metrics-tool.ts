import { z } from "zod";
import { metricsColumnType } from "../metrics/models.ts";
import { lines, rowsText, type Row } from "./bounds.ts";
import { defineTool } from "./tool.ts";

/** The Metrics API's model of each subject, and the column naming the subject in it. */
const SUBJECTS = {
  site: { model: "site", key: undefined },
  dataset: { model: "datasets", key: "dataset_id" },
  resource: { model: "resources", key: "resource_id" },
  organization: { model: "organizations", key: "organization_id" },
  reuse: { model: "reuses", key: "reuse_id" },
  dataservice: { model: "dataservices", key: "dataservice_id" },
} as const;

const MAX_MONTHS = 120;
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month is written YYYY-MM")
  .optional();

const counts = z.record(z.string(), z.number());

export const metricsTool = defineTool({
  name: "metrics",
  title: "Visits and downloads",
  description:
    "Monthly visits and downloads from data.gouv.fr's Metrics API for a dataset, resource, organization, reuse or " +
    "dataservice (by id), or the whole site, over a range of months (both included), oldest first; with the sums " +
    "over the range and the subject's all-time totals (the Metrics API's _total models). Counts start in 2022.",
  input: z
    .strictObject({
      subject: z.enum(Object.keys(SUBJECTS) as [keyof typeof SUBJECTS, ...(keyof typeof SUBJECTS)[]]),
      id: z.string().min(1).optional().describe("The subject's id (not for site)"),
      from: month.describe("First month, YYYY-MM (default: the first there is)"),
      to: month.describe("Last month, YYYY-MM (default: the last there is)"),
    })
    .refine((a) => (a.subject === "site") === (a.id === undefined), {
      message: "give the subject's id, except for subject site, which takes none",
      path: ["id"],
    }),
  output: z.object({
    subject: z.string(),
    id: z.string().optional(),
    model: z.string(),
    months: z.array(z.record(z.string(), z.unknown())).describe("metric_month and the counts of each month"),
    range_totals: counts.describe("Sums over the months answered"),
    all_time: z
      .record(z.string(), z.number().nullable())
      .optional()
      .describe("From the _total model: every month the Metrics API has"),
    note: z.string().optional(),
  }),
  async run({ subject, id, from, to }, { context, signal }) {
    const { model, key } = SUBJECTS[subject];
    let query = context.dg.metrics(model).months(from, to).sort("metric_month", "asc");
    if (key) query = query.where(key, "exact", id!);
    const found = (await query.all<Row>({ signal, limit: MAX_MONTHS + 1 })).map(monthRow);
    const months = found.slice(0, MAX_MONTHS);
    const rangeTotals = sums(months);
    let allTime: Record<string, number | null> | undefined;
    if (key) {
      const [total] = await context.dg
        .metrics(`${model}_total`)
        .where(key, "exact", id!)
        .all<Row>({ signal, limit: 1 });
      allTime = total ? countsOf(total) : {};
    }
    const note = lines(
      found.length > MAX_MONTHS && `${MAX_MONTHS} months answered, from the first: give from= to see later months`,
      found.length === 0 && `No metrics for this ${subject} in that range (is the id right?)`,
    );
    const columns = months.length ? Object.keys(months[0]) : ["metric_month"];
    return {
      data: { subject, id, model, months, range_totals: rangeTotals, all_time: allTime, note: note || undefined },
      text: lines(
        `${subject}${id ? ` ${id}` : ""}: ${months.length} months` +
          (from || to ? ` (${from ?? "…"} to ${to ?? "…"})` : ""),
        rowsText(months, columns),
        `Over these months: ${describeCounts(rangeTotals)}`,
        allTime && `All time: ${describeCounts(allTime)}`,
        note,
      ),
    };
  },
});

/** A month's row without the ids: the month and its counts. */
function monthRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).filter(([column]) => column === "metric_month" || metricsColumnType(column) === "count"),
  );
}

/** A total's counts as the Metrics API gives them: a count it has no figure for stays null. */
function countsOf(row: Row): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => metricsColumnType(column) === "count")
      .map(([column, value]) => [column, value === null || value === undefined ? null : Number(value)]),
  );
}

function sums(rows: Row[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const row of rows)
    for (const [column, value] of Object.entries(countsOf(row))) totals[column] = (totals[column] ?? 0) + (value ?? 0);
  return totals;
}

function describeCounts(counts: Record<string, number | null>): string {
  const entries = Object.entries(counts);
  return entries.length
    ? entries.map(([k, v]) => `${k} ${v === null ? "none" : v.toLocaleString("en")}`).join(", ")
    : "none";
}
