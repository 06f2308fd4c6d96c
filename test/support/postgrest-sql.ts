import type { PgFilter, PgRequest, PgTree } from "../../sandbox/src/query/postgrest.ts";

/**
 * The SQL PostgREST runs for a read request, written from what its grammar parsed (the sandbox's parser output):
 * values stay untyped literals, so PostgreSQL casts them to the column's type (and refuses them as it does in
 * production), `in` becomes `= ANY` of an array literal, `*` in a LIKE pattern becomes `%`.
 */
export function postgrestSql(request: PgRequest, table: string): string {
  const select = request.select ?? [{ field: "*" }];
  const aggregated = select.some((item) => item.aggregate);
  const items = select.map((item) => {
    const field = item.field === "*" ? "*" : ident(item.field);
    const value = item.aggregate ? `${item.aggregate}(${field})` : field;
    const alias = item.alias ?? item.aggregate;
    return alias ? `${value} AS ${ident(alias)}` : value;
  });
  const where = [...request.filters.map(filterSql), ...request.logic.map(treeSql)];
  let sql = `SELECT ${items.join(", ")} FROM ${ident(table)}`;
  if (where.length) sql += ` WHERE ${where.join(" AND ")}`;
  if (aggregated) {
    const groups = select.filter((item) => !item.aggregate).map((item) => ident(item.field));
    if (groups.length) sql += ` GROUP BY ${groups.join(", ")}`;
  }
  if (request.order?.length)
    sql += ` ORDER BY ${request.order
      .map((term) => {
        let text = ident(term.field);
        if (term.direction) text += ` ${term.direction.toUpperCase()}`;
        if (term.nulls) text += term.nulls === "nullsfirst" ? " NULLS FIRST" : " NULLS LAST";
        return text;
      })
      .join(", ")}`;
  if (request.limit !== undefined) sql += ` LIMIT ${request.limit}`;
  if (request.offset !== undefined) sql += ` OFFSET ${request.offset}`;
  return sql;
}

const COMPARISONS: Record<string, string> = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };
const PATTERNS: Record<string, string> = { like: "LIKE", ilike: "ILIKE" };

function filterSql(filter: PgFilter): string {
  const column = ident(filter.field);
  const { operation } = filter;
  let sql: string;
  switch (operation.kind) {
    case "is":
      sql = `${column} IS ${operation.value.replace("_", " ").toUpperCase()}`;
      break;
    case "isdistinct":
      sql = `${column} IS DISTINCT FROM ${literal(operation.value)}`;
      break;
    case "in":
      sql = `${column} = ANY (${literal(arrayLiteral(operation.values))})`;
      break;
    case "op": {
      if (operation.quantifier) throw new Error("any/all quantifiers are not in the battery");
      if (PATTERNS[operation.op])
        sql = `${column} ${PATTERNS[operation.op]} ${literal(operation.value.replaceAll("*", "%"))}`;
      else if (COMPARISONS[operation.op]) sql = `${column} ${COMPARISONS[operation.op]} ${literal(operation.value)}`;
      else throw new Error(`PostgREST's ${operation.op} is not in the battery`);
    }
  }
  return filter.not ? `NOT (${sql})` : sql;
}

function treeSql(tree: PgTree): string {
  const items = tree.items.map((item) => (item.type === "filter" ? filterSql(item) : treeSql(item)));
  const sql = `(${items.join(tree.type === "or" ? " OR " : " AND ")})`;
  return tree.not ? `NOT ${sql}` : sql;
}

export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** PostgreSQL's array input: every element quoted, `"` and `\` escaped; `in.()` is one empty element, `'{}'`. */
function arrayLiteral(values: string[]): string {
  if (values.length === 1 && values[0] === "") return "{}";
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}
