/**
 * Where each of the three APIs lives. Every root ends with "/" and every path the client builds is relative to it:
 * Main API paths start with "api/1/" or "api/2/", Tabular and Metrics paths with "api/" (and "health/").
 */
export interface Endpoints {
  main: string;
  tabular: string;
  metrics: string;
}

export type Environment = "prod" | "demo" | "sandbox";

export const PROD: Endpoints = {
  main: "https://www.data.gouv.fr/",
  tabular: "https://tabular-api.data.gouv.fr/",
  metrics: "https://metric-api.data.gouv.fr/",
};

/** demo.data.gouv.fr is paired with the preprod Tabular API; the Metrics API has no demo instance, so prod's is used. */
export const DEMO: Endpoints = {
  main: "https://demo.data.gouv.fr/",
  tabular: "https://tabular-api.preprod.data.gouv.fr/",
  metrics: "https://metric-api.data.gouv.fr/",
};

/** The embedded sandbox serves the three APIs on one origin: Main at /api/, Tabular under /tabular/, Metrics under /metrics/. */
export function sandboxEndpoints(url: string): Endpoints {
  const root = withSlash(url);
  return { main: root, tabular: `${root}tabular/`, metrics: `${root}metrics/` };
}

export interface EndpointOptions {
  /** "prod" (the default, unless DATAGOUV_SANDBOX_URL is set), "demo", or "sandbox" (needs sandboxUrl or DATAGOUV_SANDBOX_URL). */
  env?: Environment | undefined;
  /** Base URL of a running sandbox; overrides env. */
  sandboxUrl?: string | undefined;
  /** Custom roots, each overriding the one chosen by env. */
  main?: string | undefined;
  tabular?: string | undefined;
  metrics?: string | undefined;
}

export function resolveEndpoints(
  options: EndpointOptions = {},
  environment: Record<string, string | undefined> = process.env,
): Endpoints {
  const sandboxUrl =
    options.sandboxUrl ??
    (options.env === undefined || options.env === "sandbox" ? environment.DATAGOUV_SANDBOX_URL : undefined);
  let base: Endpoints;
  if (sandboxUrl) base = sandboxEndpoints(checkUrl(sandboxUrl, "sandbox (DATAGOUV_SANDBOX_URL)"));
  else if (options.env === "sandbox")
    throw new TypeError(
      'env "sandbox" needs a sandbox URL: pass sandboxUrl or set DATAGOUV_SANDBOX_URL (start one with `npx datagouv sandbox`)',
    );
  else if (options.env === "demo") base = DEMO;
  else if (options.env === undefined || options.env === "prod") base = PROD;
  else throw new TypeError(`unknown env ${JSON.stringify(options.env)}: use "prod", "demo" or "sandbox"`);
  return {
    main: options.main ? withSlash(checkUrl(options.main, "main")) : base.main,
    tabular: options.tabular ? withSlash(checkUrl(options.tabular, "tabular")) : base.tabular,
    metrics: options.metrics ? withSlash(checkUrl(options.metrics, "metrics")) : base.metrics,
  };
}

function checkUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`the ${what} base URL is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new TypeError(`the ${what} base URL must be http or https: ${url}`);
  return url;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
