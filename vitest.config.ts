import { defineConfig } from "vitest/config";

export default defineConfig({
  // Generated modules import the runtime by its package name; tests use the sources.
  resolve: { alias: { "aespec/runtime": new URL("./src/runtime/index.ts", import.meta.url).pathname } },
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Training tests are CPU-bound; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
