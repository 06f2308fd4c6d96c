import { stringify } from "yaml";
import { OPERATORS_BY_TYPE } from "../../tabular/ast.ts";
import type { StoredResource } from "./store.ts";

/** The per-resource OpenAPI document: parameters `{col}__{op}` for the operators each column's type allows. */
export function resourceSwagger(resource: StoredResource, baseUrl: string): string {
  const parameters: Record<string, unknown>[] = [
    { name: "page", in: "query", required: false, schema: { type: "integer", default: 1 } },
    { name: "page_size", in: "query", required: false, schema: { type: "integer", default: 20 } },
    { name: "columns", in: "query", required: false, description: "Comma-separated columns to return", schema: { type: "string" } },
    { name: "or", in: "query", required: false, description: "Conditions of which any must hold: or=(col__op.value,and(…))", schema: { type: "string" } },
  ];
  for (const column of resource.columns) {
    const indexed = resource.indexes === null || resource.indexes.includes(column.name);
    for (const op of OPERATORS_BY_TYPE[column.type]) {
      const aggregator = ["groupby", "count", "avg", "min", "max", "sum"].includes(op);
      if (aggregator && !indexed) continue;
      const bare = aggregator || op === "isnull" || op === "isnotnull";
      parameters.push({
        name: `${column.name}__${op}`,
        in: "query",
        required: false,
        ...(bare ? { allowEmptyValue: true } : {}),
        schema: op === "sort" ? { type: "string", enum: ["asc", "desc"] } : { type: "string" },
      });
    }
  }
  const document = {
    openapi: "3.0.3",
    info: { title: `Resource ${resource.resourceId}`, description: resource.title, version: "1.0.0" },
    servers: [{ url: baseUrl }],
    paths: {
      [`/api/resources/${resource.resourceId}/data/`]: { get: { summary: "Rows of the resource, paginated", parameters, responses: { "200": { description: "A page of rows" } } } },
      [`/api/resources/${resource.resourceId}/data/csv/`]: { get: { summary: "All matching rows as CSV", parameters, responses: { "200": { description: "CSV" } } } },
      [`/api/resources/${resource.resourceId}/data/json/`]: { get: { summary: "All matching rows as JSON", parameters, responses: { "200": { description: "JSON" } } } },
    },
  };
  return stringify(document);
}
