import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Training tests are CPU-bound; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
