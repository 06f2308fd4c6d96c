import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources: the packages' `datagouv-kit:source` export condition points at them.
const conditions = ["datagouv-kit:source", "node", "import", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: keep heavy suites (DuckDB, browsers, kernels) from starving each other.
    maxWorkers: 2,
  },
});
