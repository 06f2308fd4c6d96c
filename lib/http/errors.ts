/** One error type for everything that goes wrong talking to data.gouv.fr; never carries the API key. */

export type Api = "main" | "tabular" | "metrics" | "download";

export type ErrorKind =
  | "http" // the server answered with an error status
  | "overloaded" // the platform's overload redirect (302 to sorry.data.gouv.fr)
  | "network" // no answer: refused, reset, DNS
  | "timeout" // no answer in time
  | "aborted"; // cancelled by the caller

export interface ErrorDetails {
  api: Api;
  method: string;
  url: string;
  kind: ErrorKind;
  status?: number;
  /** The server's own message, as it wrote it. */
  serverMessage?: string;
  /** Tabular/Metrics `errors[0].title`. */
  title?: string;
  /** Tabular/Metrics `errors[0].detail` when it is a database-error object (PostgREST). */
  detail?: unknown;
  /** Main API validation errors, field by field. */
  fieldErrors?: Record<string, unknown>;
  /** What a person can do about it. */
  hint?: string;
  retryAfterSeconds?: number;
  /** `X-Sentry-ID` or the Tabular error `code`: quote it when reporting a bug to data.gouv.fr. */
  errorId?: string;
  cause?: unknown;
}

export class DataGouvError extends Error {
  override readonly name = "DataGouvError";
  readonly api: Api;
  readonly method: string;
  readonly url: string;
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly title?: string;
  readonly detail?: unknown;
  readonly fieldErrors?: Record<string, unknown>;
  readonly hint?: string;
  readonly retryAfterSeconds?: number;
  readonly errorId?: string;

  constructor(details: ErrorDetails) {
    super(composeMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.api = details.api;
    this.method = details.method;
    this.url = details.url;
    this.kind = details.kind;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.title = details.title;
    this.detail = details.detail;
    this.fieldErrors = details.fieldErrors;
    this.hint = details.hint;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.errorId = details.errorId;
  }

  toJSON(): Omit<ErrorDetails, "cause"> & { message: string } {
    const {
      api,
      method,
      url,
      kind,
      status,
      serverMessage,
      title,
      detail,
      fieldErrors,
      hint,
      retryAfterSeconds,
      errorId,
    } = this;
    return {
      message: this.message,
      api,
      method,
      url,
      kind,
      status,
      serverMessage,
      title,
      detail,
      fieldErrors,
      hint,
      retryAfterSeconds,
      errorId,
    };
  }
}

/**
 * A query the real server cannot express or would reject, refused before its rows are asked for (an unknown operator,
 * `columns` with aggregation, a value containing `&` or `=`, a local run over a file that is not CSV, …).
 */
export class QueryError extends Error {
  override readonly name = "QueryError";
}

const API_NAMES: Record<Api, string> = {
  main: "Main API",
  tabular: "Tabular API",
  metrics: "Metrics API",
  download: "download",
};

/** Past this length a word of a URL or a query is shortened in messages: a 100,000-character value is seen, not read. */
const SHOWN_LENGTH = 60;

/** The text with each overlong word (a run between `/?&=,` and spaces) cut to its start and its length. */
export function abbreviate(text: string, length = SHOWN_LENGTH): string {
  return text.replace(
    new RegExp(`[^/?&=,\\s]{${length + 1},}`, "g"),
    (word) => `${word.slice(0, length - 20)}…(${word.length.toLocaleString("en")} characters)`,
  );
}

function composeMessage(d: ErrorDetails): string {
  const what = d.kind === "http" ? `${d.status}` : d.kind === "overloaded" ? `${d.status ?? 302} overloaded` : d.kind;
  let message = `${API_NAMES[d.api]} ${d.method} ${abbreviate(d.url)} failed: ${what}`;
  const server = [d.title, d.serverMessage].filter((x) => x && x.length > 0).join(": ");
  // the server may quote the request's values back
  if (server) message += ` — ${abbreviate(server)}`;
  if (d.fieldErrors && Object.keys(d.fieldErrors).length > 0) {
    message += ` (${Object.entries(d.fieldErrors)
      .map(([field, msg]) => `${field}: ${Array.isArray(msg) ? msg.join(", ") : String(msg)}`)
      .join("; ")})`;
  }
  if (d.hint) message += `. ${d.hint}`;
  return message;
}

export interface ParsedErrorBody {
  serverMessage?: string;
  title?: string;
  detail?: unknown;
  fieldErrors?: Record<string, unknown>;
  errorId?: string;
}

/**
 * Reads the three shapes the real servers use: Main `{"message", "errors"?}`, Tabular/Metrics
 * `{"errors":[{code,title,detail}]}` (detail a string or a PostgREST error object), and plain text
 * (`404: Not Found`, the 410 "permanently deleted" sentence).
 */
export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    return { serverMessage: trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed };
  }
  if (body === null || typeof body !== "object") return { serverMessage: String(body) };
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors) && record.errors.length > 0) {
    const first = record.errors[0] as Record<string, unknown>;
    const title = typeof first.title === "string" ? first.title : undefined;
    const errorId = typeof first.code === "string" ? first.code : undefined;
    const detail = first.detail;
    if (typeof detail === "string") return { title, serverMessage: detail, errorId };
    if (detail && typeof detail === "object") {
      const db = detail as Record<string, unknown>;
      const parts = [db.message, db.details, db.hint].filter((x): x is string => typeof x === "string" && x.length > 0);
      return { title, serverMessage: parts.join(" "), detail, errorId };
    }
    return { title, errorId };
  }
  const parsed: ParsedErrorBody = {};
  if (typeof record.message === "string") parsed.serverMessage = record.message;
  if (record.errors && typeof record.errors === "object" && !Array.isArray(record.errors))
    parsed.fieldErrors = record.errors as Record<string, unknown>;
  if (parsed.serverMessage === undefined && parsed.fieldErrors === undefined)
    parsed.serverMessage = trimmed.slice(0, 500);
  return parsed;
}

/** Advice for the errors people meet most, read from the status and the server's own words. */
export function hintFor(api: Api, status: number, parsed: ParsedErrorBody): string | undefined {
  const msg = parsed.serverMessage ?? "";
  const pageSize = /allowed maximum:\s*(\d+)/i.exec(msg);
  if (pageSize) return `Use page_size ${pageSize[1]} or less`;
  if (/Result window is too large/i.test(msg)) {
    return "Search results stop at 10,000: narrow the query with filters instead of paging further";
  }
  if (/Output is too long/i.test(parsed.title ?? "") || /more than \d+ rows/i.test(msg)) {
    return (
      "Streams stop at 50,000 rows: add filters, or use the windowed export (toParquet/toArrow, `datagouv tabular " +
      "… --output`), which splits the query by __id"
    );
  }
  if (/Unauthorized parameters/i.test(parsed.title ?? "") || /Aggregation parameters/i.test(msg)) {
    return 'The Tabular API allows aggregation only for some resources: run the same query locally with DuckDB (`--local`, or query.run({ mode: "local" }))';
  }
  if (/Malformed query/i.test(msg)) return "Check the filter syntax: column__operator=value, with a known operator";
  if (parsed.title === "Database error" && /does not exist/i.test(msg)) {
    return api === "metrics"
      ? "Check the model and column names (see METRICS_MODELS)"
      : "Check the column names against the resource's profile";
  }
  if (parsed.title === "Database error" && /invalid input syntax/i.test(msg))
    return "A value does not fit the column's type (see the resource's profile)";
  if (status === 414 || status === 431 || /Got more than \d+ bytes/i.test(msg)) {
    return (
      "The request is too long for the server (filter values travel in the URL, and servers refuse URLs of more " +
      "than a few thousand characters): shorten the values or use fewer of them, or run the query locally " +
      '(`--local`, or query.run({ mode: "local" })), which sends no filter'
    );
  }
  switch (status) {
    case 401:
      return "Check the API key (DATAGOUV_API_KEY or the apiKey option): it is missing, invalid, expired or revoked; create one in your data.gouv.fr profile";
    case 403:
      return api === "main"
        ? "This account may not change that object: is it a member of the owning organization?"
        : undefined;
    case 404:
      if (api === "tabular") {
        return (
          "The Tabular API does not serve this resource: it may not exist, not be a tabular file, be too large, or " +
          "not be parsed yet; download the file instead or run the query locally (`--local`)"
        );
      }
      if (api === "metrics") return "Check the metrics model name (see METRICS_MODELS)";
      return "Check the id or slug";
    case 410:
      return "It was deleted; the dataset page may say what replaced it";
    case 423:
      return "The platform held this content for review (anti-spam); try again later or contact data.gouv.fr";
    case 429:
      return "Rate limited: slow down and retry later";
    case 502:
    case 503:
    case 504:
      return "The platform is unavailable right now; retry later";
    default:
      return status >= 500 ? "The server failed; retry later, and quote the error id if you report it" : undefined;
  }
}

/** Undici and Node error codes, mapped to what happened. */
export function kindOfFailure(error: unknown): ErrorKind {
  const code = (error as { code?: string } | null)?.code ?? "";
  const name = (error as { name?: string } | null)?.name ?? "";
  if (name === "AbortError" || code === "UND_ERR_ABORTED" || code === "ABORT_ERR") return "aborted";
  if (/TIMEOUT/i.test(code)) return "timeout";
  return "network";
}

/** The codes of a connection that was never made: the server was not reached. */
const UNREACHED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
};

/**
 * What to do about a request that got no answer, or whose answer was cut off `midway`; `write` when it may have changed
 * something on the server. A connection refused or a name not found never reached the server; a connection cut (reset,
 * closed) did, and the request may have been received, an upload in part.
 */
export function networkHint(
  kind: ErrorKind,
  { cause, write = false, midway = false }: { cause?: unknown; write?: boolean; midway?: boolean } = {},
): string | undefined {
  if (kind === "timeout") return "The server did not answer in time; retry later or raise the timeout option";
  if (kind !== "network") return undefined;
  if (midway)
    return write
      ? "The server answered but its answer was cut off: check whether the change was made before sending it again"
      : "The connection broke mid-response; retry later";
  const code = codeOf(cause) ?? codeOf((cause as { cause?: unknown } | null)?.cause);
  if (cause === undefined || (code !== undefined && UNREACHED.has(code))) {
    return "Could not reach the server; check the network, or work offline against the sandbox (`npx datagouv sandbox`, then DATAGOUV_SANDBOX_URL)";
  }
  return write
    ? "The server was reached, but the connection broke before it answered: check whether the change was made before sending it again"
    : "The server was reached, but the connection broke before it answered; retry later";
}

/** Node's codes for a local file that cannot be written or read: the disk, not the network, is at fault. */
const FILE_ERROR_CODES = new Set([
  "ENOSPC",
  "EDQUOT",
  "EFBIG",
  "EACCES",
  "EPERM",
  "EROFS",
  "EISDIR",
  "ENOTDIR",
  "EEXIST",
  "EMFILE",
  "ENFILE",
  "ENOENT",
]);

/** A file system error (Node's, with its system call), as opposed to a failure of the connection. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException {
  const code = codeOf(error);
  return (
    code !== undefined && FILE_ERROR_CODES.has(code) && typeof (error as { syscall?: unknown }).syscall === "string"
  );
}
