export * from "./ast.ts";
export {
  and,
  contains,
  eq,
  filter,
  gt,
  gte,
  isIn,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  or,
  type Value,
} from "./conditions.ts";
export { encodeComponent, encodeQuerySpec, isGroup, validateSpec } from "./encode.ts";
export { QueryBuilder } from "./builder.ts";
export {
  InvalidValue,
  POSTGRES_TYPES,
  querySql,
  quote,
  SQL_TYPES,
  UnknownColumn,
  type Sql,
  type SqlOptions,
} from "./sql.ts";
