// The package as published: the build in dist/ (made by `npm test`'s tsup step before vitest runs) and the
// exported JSON Schema. Sweeps from both bundles and from a bundle copied without its worker file; no
// source-map comment; no @internal declaration in the .d.ts; the schema file equal to planJsonSchema().
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PlanInput } from "../src/index.js";
import { parsePlan, planJsonSchema } from "../src/index.js";
import { FAMILIES } from "../src/bonuses/lookup.js";
import { generateData } from "../src/generate/generate.js";
import { readInputFiles } from "../src/input/files.js";
import { safeParsePeriod } from "../src/run/period.js";
import { canonicalJson } from "../src/statement/canonical.js";
import { safeSweep } from "../src/simulate/sweep.js";
import pkg from "../package.json" with { type: "json" };

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
if (!existsSync(join(dist, "index.cjs"))) throw new Error("dist/ is missing: run `npm run build` (npm test builds before testing)");

const tmp = mkdtempSync(join(tmpdir(), "compplan-package-"));
// Copies of the bundle live under the project's node_modules, so that they still resolve zod, yaml, decimal.js.
const copies = join(root, "node_modules", ".cache", "compplan-package-test");
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(copies, { recursive: true, force: true });
});

const period = safeParsePeriod("2026-10").period;
if (period === undefined) throw new Error("period");
let members = "";
let orders = "";
generateData({ members: 400, seed: 5, period }, { members: (c) => (members += c), orders: (c) => (orders += c) });
writeFileSync(join(tmp, "members.csv"), members);
writeFileSync(join(tmp, "orders.csv"), orders);
const read = readInputFiles({ period: "2026-10", members: join(tmp, "members.csv"), orders: join(tmp, "orders.csv") }, ["CV", "PV", "RETAIL"]);
if (!read.ok) throw new Error("fixture input");
writeFileSync(join(tmp, "input.json"), JSON.stringify(read.value.input));
const planPath = join(root, "plans/starter-unilevel/plan.yaml");
const SPEC = { path: "bonuses[key=unilevel].schedule[rank=Bronze].rates[2]", values: ["0.02", "0.04", "0.06"] };
const expected = safeSweep(parsePlan(readFileSync(planPath, "utf8")), SPEC, read.value.input, { workers: 0 });
if (!expected.ok) throw new Error("sweep failed");

/** A child process that loads the library with `load` and runs the sweep sync (2 workers) and async (2 workers). */
function sweepIn(load: string): { sync: unknown; async: unknown } {
  const script = `
    const c = ${load};
    const fs = require("node:fs");
    const plan = c.parsePlan(fs.readFileSync(${JSON.stringify(planPath)}, "utf8"));
    const input = JSON.parse(fs.readFileSync(${JSON.stringify(join(tmp, "input.json"))}, "utf8"));
    const spec = ${JSON.stringify(SPEC)};
    const sync = c.sweep(plan, spec, input, { workers: 2 });
    c.sweepAsync(plan, spec, input, { workers: 2 }).then((async) => {
      process.stdout.write(JSON.stringify({ sync: c.canonicalJson(sync), async: c.canonicalJson(async) }));
    });`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: tmp });
  if (r.status !== 0) throw new Error(`child process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { sync: unknown; async: unknown };
}

describe("the built package", () => {
  const want = canonicalJson(expected.value);

  it("sweeps with worker threads from dist/index.cjs and dist/index.js", () => {
    const cjs = join(dist, "index.cjs");
    expect(sweepIn(`require(${JSON.stringify(cjs)})`)).toEqual({ sync: want, async: want });
    // An ES module, loaded with import(): the same calls through a promise.
    const esm = `file://${join(dist, "index.js")}`;
    const script = `import(${JSON.stringify(esm)})`;
    const r = spawnSync(process.execPath, ["-e", `
      ${script}.then(async (c) => {
        const fs = await import("node:fs");
        const plan = c.parsePlan(fs.readFileSync(${JSON.stringify(planPath)}, "utf8"));
        const input = JSON.parse(fs.readFileSync(${JSON.stringify(join(tmp, "input.json"))}, "utf8"));
        const sync = c.sweep(plan, ${JSON.stringify(SPEC)}, input, { workers: 2 });
        const async = await c.sweepAsync(plan, ${JSON.stringify(SPEC)}, input, { workers: 2 });
        process.stdout.write(JSON.stringify({ sync: c.canonicalJson(sync), async: c.canonicalJson(async) }));
      });`], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`child process failed (${r.status}): ${r.stderr}`);
    expect(JSON.parse(r.stdout)).toEqual({ sync: want, async: want });
  });

  it("sweeps from a CommonJS bundle copied into a folder with # in its name, and from one without its worker file", () => {
    // With the worker beside it: the worker is found from __filename (a file: URL built by hand cut the path at #).
    const hash = join(copies, "app #1");
    mkdirSync(hash, { recursive: true });
    copyFileSync(join(dist, "index.cjs"), join(hash, "index.cjs"));
    copyFileSync(join(dist, "sweep-worker.mjs"), join(hash, "sweep-worker.mjs"));
    const withWorker = join(hash, "index.cjs");
    expect(sweepIn(`require(${JSON.stringify(withWorker)})`)).toEqual({ sync: want, async: want });
    // Bundled into an application's single file: no worker file, so the points run in the calling thread.
    const alone = join(copies, "bundled");
    mkdirSync(alone, { recursive: true });
    copyFileSync(join(dist, "index.cjs"), join(alone, "index.cjs"));
    const single = join(alone, "index.cjs");
    expect(sweepIn(`require(${JSON.stringify(single)})`)).toEqual({ sync: want, async: want });
  });

  it("ships no source-map comment and no @internal declaration", () => {
    for (const file of readdirSync(dist)) {
      const text = readFileSync(join(dist, file), "utf8");
      expect(text, file).not.toContain("sourceMappingURL");
      expect(existsSync(join(dist, `${file}.map`)), `${file}.map`).toBe(false);
    }
    for (const file of ["index.d.ts", "index.d.cts"]) {
      const dts = readFileSync(join(dist, file), "utf8");
      // RunResult.internals, PreparedInput.genealogy and ByteWriter are marked @internal in the source.
      expect(dts, file).not.toContain("@internal");
      expect(dts, file).not.toMatch(/\binternals\b|readonly genealogy:|class ByteWriter/);
      expect(dts, file).toMatch(/class RunResult/);
    }
  });

  it("lists only dist, the schema and the docs in the package", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as [{ files: { path: string }[] }])[0].files.map((f) => f.path).sort();
    expect(files).toEqual(
      ["CHANGELOG.md", "LICENSE", "README.md", "dist/cli.js", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.ts", "dist/index.js", "dist/sweep-worker.mjs", "package.json", "schema/plan.schema.json"].sort(),
    );
  });
});

describe("the plan JSON Schema export", () => {
  const schema = planJsonSchema() as {
    $defs: Record<string, { properties: Record<string, { const?: string }>; required: string[]; title?: string; description?: string; examples?: unknown[]; $defs?: unknown }>;
    properties: Record<string, Record<string, unknown>>;
  };

  it("is the file the package exports, under a key equal to its path", () => {
    expect(pkg.exports["./schema/plan.schema.json"]).toBe("./schema/plan.schema.json");
    expect(readFileSync(join(root, "schema/plan.schema.json"), "utf8")).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });

  it("chooses a bonus entry's schema by its kind alone, so one mistake is one error", () => {
    const items = schema.properties.bonuses?.items as { properties: { kind: { enum: string[] } }; allOf: { if: unknown; then: { $ref: string } }[] };
    const kinds = items.properties.kind.enum;
    // Every registered family, in registry order (a new family needs no edit here).
    expect(kinds).toEqual(FAMILIES.map((f) => f.kind));
    // Each branch applies only when `kind` is its own: a failing `if` adds no error, so an entry is checked
    // against its family's schema only; an unknown kind fails the one `enum`.
    expect(items.allOf).toEqual(kinds.map((kind) => ({ if: { properties: { kind: { const: kind } }, required: ["kind"] }, then: { $ref: `#/$defs/${kind}` } })));
    for (const kind of kinds) {
      const family = schema.$defs[kind];
      expect(family?.properties.kind?.const).toBe(kind);
      expect(family?.required).toContain("kind");
      expect(family?.title && family.description && family.examples?.length).toBeTruthy();
      expect(family?.$defs).toBeUndefined();
    }
  });

  it("carries titles, descriptions and examples", () => {
    const text = JSON.stringify(schema);
    const rates = (schema.$defs.unilevel as unknown as { properties: { schedule: { items: { properties: { rates: { title: string; items: { examples: string[] } } } } } } }).properties.schedule.items.properties.rates;
    expect(rates.title).toBe("Rates by level");
    expect(rates.items.examples).toContain("0.05");
    expect(schema.properties.currency).toMatchObject({ title: "Currency", examples: ["USD", "EUR"] });
    const mode = (schema.properties.money as { properties: { rounding: { properties: { mode: { enum: string[]; title: string } } } } }).properties.rounding.properties.mode;
    expect(mode).toMatchObject({ title: "Rounding mode", enum: ["half-up", "half-even", "half-down", "down", "up"] });
    expect(text.match(/"examples"/g)?.length).toBeGreaterThan(20);
  });
});

describe("PlanInput", () => {
  it("types a plan written in TypeScript: rates as strings, defaults optional", () => {
    const input = {
      compplan: 1,
      id: "mini",
      currency: "USD",
      payoutBasis: "CV",
      money: { rounding: { mode: "half-up" } },
      measures: { CV: { counts: ["personal-consumption"] } },
      bonuses: [{ kind: "unilevel", key: "unilevel", measure: "CV", schedule: [{ rates: ["0.05", "0.03"] }], compression: "none", unqualifiedVolumePays: true }],
    } satisfies PlanInput;
    // @ts-expect-error a rate is a decimal string, never a number
    const numeric: PlanInput = { ...input, bonuses: [{ ...input.bonuses[0], schedule: [{ rates: [0.05] }] }] };
    // @ts-expect-error the rounding mode is one of the modes
    const mode: PlanInput = { ...input, money: { rounding: { mode: "nearest" } } };
    expect([numeric, mode].length).toBe(2);
    const plan = parsePlan(input);
    const rounding: "half-up" | "half-even" | "half-down" | "down" | "up" = plan.money.rounding.mode;
    expect(rounding).toBe("half-up");
  });
});
