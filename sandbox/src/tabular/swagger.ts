import { stringify } from "yaml";
import { AGGREGATOR_TABLE, AGGREGATORS, OPERATOR_TABLE, OPERATORS, SORT, type PythonType } from "datagouv-kit/query";
import type { StoredResource } from "./store.ts";

/**
 * The per-resource OpenAPI document, shaped as api-tabular builds it (core/swagger.py): `page`, `page_size`, `columns`,
 * then `{col}__{op}` for the operators each column's type allows; aggregators only where the resource may aggregate,
 * and only the indexed columns when the resource has indexes.
 */
export function resourceSwagger(resource: StoredResource, aggregationAllowed: boolean): string {
  const columns = resource.indexes
    ? resource.columns.filter((c) => resource.indexes!.includes(c.name))
    : resource.columns;
  const parameters: Record<string, unknown>[] = [
    {
      name: "page",
      in: "query",
      description: "Page to return (page=value)",
      required: false,
      schema: { type: "integer" },
      example: 1,
    },
    {
      name: "page_size",
      in: "query",
      description: "Rows per page (page_size=value)",
      required: false,
      schema: { type: "integer" },
      example: 20,
    },
    {
      name: "columns",
      in: "query",
      description: "Columns to return (columns=column1,column2,...)",
      required: false,
      schema: { type: "string" },
      style: "form",
      explode: false,
    },
  ];
  // a parameter that takes no value is documented as a boolean allowed empty, as production does
  const parameter = (column: string, op: string, description: string, bare: boolean) => ({
    name: `${column}__${op}`,
    in: "query",
    description: `${column}: ${description}`,
    required: false,
    ...(bare ? { schema: { type: "boolean" }, allowEmptyValue: true } : { schema: { type: "string" } }),
  });
  for (const { name, type } of columns) {
    for (const op of OPERATORS) {
      const { types, description, arity } = OPERATOR_TABLE[op];
      if (types.includes(type)) parameters.push(parameter(name, op, description, arity === "none"));
    }
    if (SORT.types.includes(type)) parameters.push(parameter(name, "sort", SORT.description, false));
    if (!aggregationAllowed) continue;
    for (const op of AGGREGATORS) {
      const { types, description } = AGGREGATOR_TABLE[op];
      if (types.includes(type)) parameters.push(parameter(name, op, description, true));
    }
  }
  const rid = resource.resourceId;
  const responses = (content: Record<string, unknown>) => ({
    "200": { description: "successful operation", content },
    "400": { description: "Invalid query string" },
    "404": { description: "Resource not found" },
  });
  const document = {
    openapi: "3.0.3",
    info: {
      title: "Tabular API",
      description: `Rows of the resource ${resource.title}, with filters, sorting and pagination.`,
      version: "1.0.0",
    },
    tags: [{ name: "Data retrieval", description: "Rows of a resource" }],
    paths: {
      [`/api/resources/${rid}/data/`]: {
        get: {
          summary: "Rows of the resource, a page at a time",
          operationId: "getResourceDataFromId",
          responses: responses({ "application/json": { schema: { $ref: "#/components/schemas/ResourceData" } } }),
        },
        parameters,
      },
      [`/api/resources/${rid}/data/csv/`]: {
        get: {
          summary: "All matching rows as CSV",
          operationId: "getResourceDataFromIdCSV",
          responses: responses({ "text/csv": {} }),
        },
        parameters,
      },
      [`/api/resources/${rid}/data/json/`]: {
        get: {
          summary: "All matching rows as one JSON array",
          operationId: "getResourceDataFromIdJSON",
          responses: responses({ "application/json": {} }),
        },
        parameters,
      },
    },
    components: {
      schemas: {
        ResourceData: {
          type: "object",
          properties: {
            data: { type: "array", items: { $ref: "#/components/schemas/Resource" } },
            links: {
              type: "object",
              properties: {
                profile: { type: "string" },
                swagger: { type: "string" },
                next: { type: "string" },
                prev: { type: "string" },
              },
            },
            meta: {
              type: "object",
              properties: { page: { type: "integer" }, page_size: { type: "integer" }, total: { type: "integer" } },
            },
          },
        },
        Resource: {
          type: "object",
          properties: Object.fromEntries(columns.map((c) => [c.name, { type: OPENAPI_TYPES[c.type] ?? "string" }])),
        },
      },
    },
  };
  return stringify(document, { lineWidth: 0 });
}

const OPENAPI_TYPES: Partial<Record<PythonType, string>> = { bool: "boolean", int: "integer", float: "number" };
