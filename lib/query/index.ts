export * from "./ast.ts";
export { PYTHON_TYPES } from "./column-types.ts";
export {
  AGGREGATOR_TABLE,
  isAggregator,
  isOperator,
  escapeLike,
  likePattern,
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
export { encodeComponent, encodeQuerySpec, isGroup, validateSpec, wireRefusal } from "./encode.ts";
export { QueryBuilder } from "./builder.ts";
export {
  DatabaseError,
  POSTGRES_TYPES,
  querySql,
  quote,
  SQL_TYPES,
  UnknownColumn,
  type Collation,
  type Sql,
  type SqlOptions,
} from "./sql.ts";
export { INPUT_TYPE_NAMES, readValue, TYPE_NAMES } from "./postgres-input.ts";
