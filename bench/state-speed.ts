// Focused timing of state read/write at one size: `tsx bench/state-speed.ts [members]` (default 10^6).
// Month 1 of the starter plan + paidAs.grace 1, then writes its closing state and reads it back 3 times,
// then month 2 with and without that state (3 times each). Bundled; pass node flags via BENCH_NODE_ARGS.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateData } from "../src/generate/generate.js";
import { safePrepareFiles } from "../src/input/files.js";
import { parsePlan, parseState, safeCalculatePrepared, stateNdjson } from "../src/index.js";
import { parsePeriod } from "../src/run/period.js";
import { isBundled, runBundled } from "./bundle.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/state-speed.ts", "state-speed", (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((x) => x !== "")));

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "compplan-state-speed-"));
try {
  for (const m of [1, 2]) {
    const fm = openSync(join(dir, `members-${m}.csv`), "w");
    const fo = openSync(join(dir, `orders-${m}.csv`), "w");
    generateData({ members: n, seed: m === 1 ? 1 : 1, period: parsePeriod(`2026-0${m}`) }, { members: (c) => void (m === 1 ? writeSync(fm, c) : 0), orders: (c) => void writeSync(fo, c) });
    closeSync(fm);
    closeSync(fo);
  }
  const text = readFileSync("plans/starter-unilevel/plan.yaml", "utf8");
  const plain = parsePlan(text);
  const plan = parsePlan(`${text}\npaidAs:\n  grace: 1\n`);
  const measures = new Set(Object.keys(plan.measures));
  const prep = (m: number) => {
    const p = safePrepareFiles({ period: `2026-0${m}`, members: join(dir, "members-1.csv"), orders: join(dir, `orders-${m}.csv`) }, { measures });
    if (!p.ok) throw new Error(p.issues.slice(0, 3).map((i) => i.message).join("; "));
    return p.value;
  };
  const p1 = prep(1);
  const p2 = prep(2);
  const r1 = safeCalculatePrepared(plan, p1);
  if (!r1.ok) throw new Error("month 1");
  const t = (label: string, f: () => unknown) => {
    const t0 = performance.now();
    const v = f();
    process.stdout.write(`${label}: ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
    return v;
  };
  let closing = "";
  for (let k = 0; k < 3; k++) closing = t("write", () => stateNdjson(r1.value)) as string;
  let state = parseState(closing);
  for (let k = 0; k < 3; k++) state = t("read", () => parseState(closing)) as typeof state;
  process.stdout.write(`rows ${state.ids.length}, ${(closing.length / 1e6).toFixed(1)} MB\n`);
  for (let k = 0; k < 3; k++) {
    t("calculate without state", () => safeCalculatePrepared(plain, p2));
    t("calculate with state", () => {
      const r = safeCalculatePrepared(plan, p2, { state });
      if (!r.ok) throw new Error(r.issues[0]?.message);
      return r;
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
