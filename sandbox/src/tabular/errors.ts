import type { ServerResponse } from "node:http";
import { DatabaseError, POSTGRES_TYPES, UnknownColumn } from "datagouv-kit/query";
import {
  MalformedQuery,
  ParserCrash,
  PostgrestParseError,
  UnauthorizedParameters,
  Unsupported,
} from "../query/parse.ts";
import { sendJson, sendText } from "../respond.ts";

/**
 * Errors as api-tabular raises them (core/error.py): a JSON `{"errors": [{code, title, detail}]}` body, and no CORS
 * headers, since raised errors bypass the middleware that adds them. PostgREST's failures come through with
 * PostgREST's status, title "Database error" and PostgREST's error object as detail.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: unknown,
  ) {
    super(typeof detail === "string" ? detail : title);
  }
}

/** What the real service does not catch (a non-integer page, a parser crash): aiohttp's bare 500 page. */
export class InternalError extends Error {}

export function sendApiError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { errors: [{ code: null, title: error.title, detail: error.detail }] });
}

export function sendInternalError(res: ServerResponse): void {
  sendText(res, 500, "500 Internal Server Error\n\nServer got itself in trouble");
}

/** PostgREST's error object, relayed with the HTTP status PostgREST gives its code. */
export function databaseError(
  status: number,
  code: string,
  message: string,
  extra: { details?: string | null; hint?: string | null } = {},
): ApiError {
  return new ApiError(status, "Database error", {
    code,
    details: extra.details ?? null,
    hint: extra.hint ?? null,
    message,
  });
}

/**
 * The chain's errors as the API answers them: 400 Malformed query, 403 Unauthorized parameters, a crash's 500,
 * PostgREST's PGRST100 for what its grammar cannot read.
 */
export function queryError(error: unknown): unknown {
  if (error instanceof MalformedQuery)
    return new ApiError(400, "Invalid query string", `Malformed query: ${error.message}`);
  if (error instanceof UnauthorizedParameters) return new ApiError(403, "Unauthorized parameters", error.message);
  if (error instanceof ParserCrash) return new InternalError(error.message);
  if (error instanceof PostgrestParseError)
    return databaseError(400, "PGRST100", error.message, { details: error.details });
  if (error instanceof Unsupported)
    return new ApiError(501, "Not run by the sandbox", `The sandbox does not run ${error.message}`);
  return error;
}

/** The HTTP status PostgREST gives a PostgreSQL error (src/PostgREST/Error.hs `pgErrorStatus`). */
function pgStatus(code: string): number {
  if (code === "42883") return 404;
  if (code === "42501") return 403;
  return 400;
}

/** Errors met while building or running the SQL, as PostgREST reports them over PostgreSQL. */
export function sqlError(relation: string) {
  return (error: unknown): never => {
    if (error instanceof UnknownColumn)
      throw databaseError(400, "42703", `column ${relation}.${error.column} does not exist`);
    if (error instanceof DatabaseError)
      throw databaseError(pgStatus(error.code), error.code, error.message, { hint: error.hint });
    const message = String((error as Error)?.message ?? error);
    const conversion =
      /Could not convert string '([^']*)' to (\w+)/.exec(message) ??
      /Conversion Error:.*?'([^']*)'.*?\b(DATE|TIMESTAMP|JSON|INT\w*|DOUBLE|BOOL\w*)\b/s.exec(message);
    if (conversion) {
      const type = DUCKDB_TYPES[conversion[2].toUpperCase()];
      throw databaseError(
        400,
        "22P02",
        `invalid input syntax for type ${type ?? conversion[2].toLowerCase()}: "${conversion[1]}"`,
      );
    }
    throw error;
  };
}

const DUCKDB_TYPES: Record<string, string> = {
  INT64: POSTGRES_TYPES.int,
  BIGINT: POSTGRES_TYPES.int,
  INT32: POSTGRES_TYPES.int,
  INTEGER: POSTGRES_TYPES.int,
  DOUBLE: POSTGRES_TYPES.float,
  BOOL: POSTGRES_TYPES.bool,
  BOOLEAN: POSTGRES_TYPES.bool,
  DATE: POSTGRES_TYPES.date,
  TIMESTAMP: POSTGRES_TYPES.datetime,
  JSON: POSTGRES_TYPES.json,
};
