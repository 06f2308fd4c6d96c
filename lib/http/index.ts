export {
  HttpClient,
  encodeQuery,
  stderrLogger,
  type DownloadOptions,
  type Downloaded,
  type HttpOptions,
  type HttpResponse,
  type Logger,
  type Query,
  type QueryValue,
  type RequestOptions,
} from "./client.ts";
export {
  DEMO,
  PROD,
  resolveEndpoints,
  sandboxEndpoints,
  type EndpointOptions,
  type Endpoints,
  type Environment,
} from "./endpoints.ts";
export {
  DataGouvError,
  QueryError,
  hintFor,
  parseErrorBody,
  type Api,
  type ErrorDetails,
  type ErrorKind,
  type ParsedErrorBody,
} from "./errors.ts";
export { collect, items, pages, type PageSource } from "./paginate.ts";
export { DEFAULT_RETRY, backoffMs, serverDelayMs, type RetryPolicy } from "./retry.ts";
