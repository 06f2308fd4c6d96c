import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: keep heavy suites (DuckDB, browsers, kernels) from starving each other.
    maxWorkers: 2,
  },
});
