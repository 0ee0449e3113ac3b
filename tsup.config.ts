import { mkdirSync, writeFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { planJsonSchema } from "./src/plan/json-schema.js";

// No source maps: the package ships the bundles only, and a `sourceMappingURL` comment must not point at
// a file that is not there. The bundles are not minified, so stack traces stay readable.
const common = { target: "node20", platform: "node", tsconfig: "tsconfig.build.json", sourcemap: false } as const;

/** The plan JSON Schema the package exports as `compplan/schema/plan.schema.json` (checked by test/package.test.ts). */
export const PLAN_SCHEMA_FILE = "schema/plan.schema.json";

export default defineConfig([
  {
    ...common,
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    // stripInternal: `@internal` declarations stay out of the published .d.ts (typedoc leaves them out too).
    // `npm run test:quick` builds without declarations (the slow part); `npm test` builds them and checks them.
    dts: process.env.COMPPLAN_QUICK === "1" ? false : { compilerOptions: { ignoreDeprecations: "6.0", stripInternal: true } },
    clean: true,
    // The CommonJS bundle never reads import.meta (src/simulate/sweep.ts looks at __filename first): say
    // so, rather than leave esbuild's "import.meta will be empty" warning.
    esbuildOptions(options, { format }) {
      if (format === "cjs") options.define = { ...options.define, "import.meta.url": "undefined" };
    },
    onSuccess: async () => {
      mkdirSync("schema", { recursive: true });
      writeFileSync(PLAN_SCHEMA_FILE, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
    },
  },
  {
    ...common,
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    banner: { js: "#!/usr/bin/env node" },
  },
  {
    ...common,
    // The sweep's worker thread, loaded from beside dist/index.js, dist/index.cjs and dist/cli.js. An .mjs
    // file, so it is an ES module wherever it is copied, whatever the nearest package.json says.
    entry: { "sweep-worker": "src/simulate/sweep-worker.ts" },
    format: ["esm"],
    outExtension: () => ({ js: ".mjs" }),
  },
]);
