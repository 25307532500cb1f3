import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// A plain Vite app: the generated module imports `aespec/runtime`, which Vite resolves
// through this package's `exports` (build the package first: `npm run build`).
export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { port: 5174 },
});
