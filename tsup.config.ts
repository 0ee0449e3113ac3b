import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    // import.meta.url in the CJS build (the sweep finds its worker file beside the bundle).
    shims: true,
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    tsconfig: "tsconfig.build.json",
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    platform: "node",
    tsconfig: "tsconfig.build.json",
    banner: { js: "#!/usr/bin/env node" },
  },
  {
    // The sweep's worker thread, loaded from beside dist/index.js, dist/index.cjs and dist/cli.js.
    entry: { "sweep-worker": "src/simulate/sweep-worker.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    platform: "node",
    tsconfig: "tsconfig.build.json",
  },
]);
