export * from "./ast.ts";
export { PYTHON_TYPES } from "./column-types.ts";
export {
  AGGREGATOR_TABLE,
  isAggregator,
  isOperator,
  OPERATOR_TABLE,
  SORT,
  type AggregatorDefinition,
  type Arity,
  type OperatorDefinition,
  type SqlParameters,
} from "./operators.ts";
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
