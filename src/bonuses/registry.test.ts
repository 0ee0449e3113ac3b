// Every module of every bonus family can be the first one a program imports. A family that imported the
// plan compiler (which imports the registry, which imports every family) failed this with
// "ReferenceError: Cannot access 'retailProfit' before initialization".
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FAMILIES } from "./lookup.js";

const root = resolve("src", "bonuses");
const modules = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => join(root, d.name, f)));

describe("bonus family modules", () => {
  it("there is a module folder per registered family", () => {
    expect(FAMILIES.length).toBeGreaterThan(0);
    for (const f of FAMILIES) expect(modules.some((m) => m.includes(`${join(root, f.kind)}/`))).toBe(true);
  });

  it("each imports on its own, first, in a fresh process", () => {
    // One process for all of them would import each module after the first one's graph: one process each.
    for (const m of modules) {
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `await import(${JSON.stringify(m)});`], { encoding: "utf8" });
      expect(r.stderr, m).toBe("");
      expect(r.status, m).toBe(0);
    }
  });
});
