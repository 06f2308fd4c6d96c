/**
 * Which way imports may point (`npm run deps`; test/layout/dependencies.test.ts runs the same check). Type-only
 * imports count: a circle of types is still a circle for whoever reads the code.
 */
const ABOVE_LIB = "^(loaders|site|src|test|bench)/";

const forbid = (name, comment, from, to) => ({ name, comment, severity: "error", from, to });

module.exports = {
  forbidden: [
    forbid(
      "no-circular",
      "No import circles: a lower part declares an interface that the higher one implements instead.",
      {},
      { circular: true },
    ),
    forbid(
      "lib-stays-below",
      "The library does not import the loaders, the site, its build scripts, the tests or the bench.",
      { path: "^lib/" },
      { path: ABOVE_LIB },
    ),
    forbid(
      "lib-without-sandbox",
      "The library does not import the sandbox (datagouv-kit-sandbox): the CLI loads it by a name at run time.",
      { path: "^lib/" },
      { path: "^sandbox/|datagouv-kit-sandbox" },
    ),
    forbid(
      "sandbox-uses-package-names",
      "The sandbox is its own package: it imports the library by its package names, never by a relative path.",
      { path: "^sandbox/src/" },
      { path: "^(lib|loaders)/", dependencyTypes: ["local"], dependencyTypesNot: ["aliased", "undetermined"] },
    ),
    forbid(
      "sandbox-self-contained",
      "The sandbox does not import the site, its build scripts, the tests or the bench.",
      { path: "^sandbox/src/" },
      { path: "^(site|src|test|bench)/" },
    ),
    forbid(
      "loaders-below-site",
      "The reusable loaders do not import the site's pages or its build scripts.",
      { path: "^loaders/" },
      { path: "^(site|src)/" },
    ),
    forbid(
      "http-at-the-bottom",
      "lib/http imports nothing else of the library.",
      { path: "^lib/http/" },
      { path: "^lib/", pathNot: "^lib/http/" },
    ),
    forbid(
      "query-model-pure",
      "lib/query, the pure query model, imports nothing else of the library but the HTTP layer's errors.",
      { path: "^lib/query/" },
      { path: "^lib/", pathNot: "^lib/(query/|http/errors\\.ts$)" },
    ),
    forbid(
      "apis-below-engine",
      "The APIs (catalog, tabular, metrics) do not import the engine, Arrow, notebooks, publishing or the CLI.",
      { path: "^lib/(catalog|tabular|metrics)/" },
      { path: "^lib/(duckdb|arrow|notebook|publish|cli)/" },
    ),
    forbid(
      "core-below-client",
      "The client wires the parts together: none of them imports it (or the entry point that exports it).",
      { path: "^lib/(http|query|catalog|tabular|metrics|arrow|duckdb)/" },
      { path: "^lib/(client|index)\\.ts$" },
    ),
    forbid(
      "cli-at-the-top",
      "Nothing in the library imports the CLI.",
      { path: "^lib/", pathNot: "^lib/cli/" },
      { path: "^lib/cli/" },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(\\.observablehq|build|dist)/" },
    // type-only imports are edges too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // the packages' own names resolve to their sources, as in tsc and vitest: edges through "datagouv-kit" are seen
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["datagouv-kit:source", "import", "types", "default"],
      extensions: [".ts", ".js", ".json"],
    },
  },
};
