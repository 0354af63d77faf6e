import { defineConfig } from "vitest/config";

// Three projects: unit tests need no services; integration tests talk to a real Postgres and
// Redis; end-to-end tests (test/) run the whole pipeline against a local HTTP server.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "services/*/test/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.int.test.ts", "services/*/test/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["packages/db/test-support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          environment: "node",
          globalSetup: ["packages/db/test-support/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
