// Keeps the layering of ARCHITECTURE.md true by reading the import lines of src/.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}
const SRC = files("src");
const imports = (file: string) => Array.from(readFileSync(file, "utf8").matchAll(/^import[^"']*["']([^"']+)["']/gm), (m) => m[1] as string);

describe("layers", () => {
  it("only src/money imports decimal.js", () => {
    const offenders = SRC.filter((f) => !f.startsWith(join("src", "money")) && imports(f).includes("decimal.js"));
    expect(offenders).toEqual([]);
  });

  it("bonus families do not import each other; the engine core imports none of them", () => {
    const families = readdirSync(join("src", "bonuses")).filter((d) => statSync(join("src", "bonuses", d)).isDirectory());
    const offenders: string[] = [];
    for (const f of SRC) {
      const rel = relative("src", f);
      const own = families.find((fam) => rel.startsWith(join("bonuses", fam)));
      for (const spec of imports(f)) {
        for (const fam of families) {
          if (!spec.includes(`bonuses/${fam}/`) && !spec.includes(`/${fam}/${fam}.js`)) continue;
          const allowed = own === fam || rel === join("bonuses", "registry.ts") || rel === "index.ts";
          if (!allowed) offenders.push(`${rel} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the library does not log: no console or process output outside src/cli", () => {
    // Comments are stripped first: TSDoc examples may show a caller logging.
    const code = (f: string) => readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    const offenders = SRC.filter((f) => !f.startsWith(join("src", "cli")) && /\bconsole\.|process\.(stdout|stderr)/.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it("the reference engine uses only the plan and input types and the parser from src", () => {
    const allowed = new Set(["../../src/plan/parse.js", "../../src/input/validate.js", "../../src/index.js"]);
    const refs = files(join("test", "reference")).flatMap((f) => imports(f).filter((s) => s.includes("src/")));
    expect(refs.filter((s) => !allowed.has(s))).toEqual([]);
  });
});
