/**
 * One locale for every number and date the site shows, the same as its words (British English): 12,345 visits,
 * 3 Mar 2025, March 2025; axis ticks as 12K and 1.2M. Plurals by the locale's rules: 1 resource, 2 resources.
 */
export const LOCALE = "en-GB";

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compactNumber = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });
const dayFormat = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat(LOCALE, { month: "long", year: "numeric", timeZone: "UTC" });
const rules = new Intl.PluralRules(LOCALE);

/** 12,345 (an empty string for a missing value). */
export function number(n) {
  return n === null || n === undefined || Number.isNaN(n) ? "" : integer.format(n);
}

/** 0.67 */
export function fixed(n) {
  return n === null || n === undefined ? "" : decimal.format(n);
}

/** 12K, 1.2M: for axis ticks. */
export function compact(n) {
  return compactNumber.format(n);
}

/** "3 Mar 2025" from "2025-03-03" or an ISO date-time. */
export function date(value) {
  if (!value) return "";
  const time = Date.parse(String(value).length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? String(value) : dayFormat.format(time);
}

/** "March 2025" from "2025-03". */
export function month(value) {
  return value ? monthFormat.format(Date.parse(`${value}-01T00:00:00Z`)) : "";
}

/** "1 resource", "12,345 resources"; `plural` when adding an s does not make it. */
export function count(n, singular, plural = `${singular}s`) {
  return `${number(n)} ${rules.select(n) === "one" ? singular : plural}`;
}

/** A heading over an object's parts: "Its 4 datasets", "Its only resource", "No columns". */
export function its(n, singular, plural = `${singular}s`) {
  if (n === 0) return `No ${plural}`;
  return n === 1 ? `Its only ${singular}` : `Its ${count(n, singular, plural)}`;
}

/** "12.3 MB" */
export function bytes(n) {
  if (n === null || n === undefined) return "";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) ((n /= 1000), i++);
  return `${new Intl.NumberFormat(LOCALE, { maximumFractionDigits: i ? 1 : 0 }).format(n)} ${units[i]}`;
}
