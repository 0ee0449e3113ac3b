// The step of each bonus family at one size: `tsx bench/families.ts [members] [names]` (default 10^6; `names`,
// comma-separated parts, times only the entries whose name holds one). Each plan
// is the starter plan's measures, qualification and ranks with ONE bonus entry; the time reported is the
// `bonuses` phase of calculate (the step, its settlement and line storage), from the phase callbacks,
// the median of 5 runs after one warm-up, with the machine's load beside it. Bundled like the other
// benchmarks; pass node flags via BENCH_NODE_ARGS. A family's target (issue 14: stairstep ≤ 0.3 s at
// 10^6) is read against this table in bench/README.md.
import { readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { safePrepareFiles } from "../src/input/files.js";
import { type Phase, parsePlan, safeCalculatePrepared } from "../src/index.js";
import { isBundled, runBundled } from "./bundle.js";
import { generateFiles } from "./data.js";

if (!isBundled(import.meta.url)) process.exit(await runBundled("bench/families.ts", "families", (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((x) => x !== "")));

const AMWAY_STEPS = `
      - { minimum: "300", rate: "0.06" }
      - { minimum: "1000", rate: "0.09" }
      - { minimum: "2000", rate: "0.12" }
      - { minimum: "4000", rate: "0.15" }
      - { minimum: "10000", rate: "0.21" }`;

const UNILEVEL = `  - key: unilevel
    kind: unilevel
    measure: CV
    compression: dynamic
    unqualifiedVolumePays: false
    schedule:
      - rates: ["0.05", "0.05", "0.04", "0.04", "0.03", "0.02", "0.01"]`;

const CONTEST = `  - key: contest
    kind: contest
    window: { from: "2026-09", to: "2026-10" }
    points: [{ measure: PV }, { measure: CV, on: group, weight: "0.1" }]
    tiers:
      - { name: Bronze, points: "100", award: { amount: "10.00" } }
      - { name: Silver, points: "500", award: { amount: "50.00" } }
      - { name: Gold, points: "2000", award: { name: "A weekend away", amount: "100.00" } }`;

/** One bonus entry each (indented as a list item under `bonuses:`). */
const ENTRIES: Record<string, string> = {
  "unilevel (starter, for comparison)": UNILEVEL,
  "stairstep differential, 5 steps": `  - key: performance
    kind: stairstep
    volume: PV
    measure: CV
    steps:${AMWAY_STEPS}`,
  "stairstep differential, breakaway at 21%, 3 generations": `  - key: performance
    kind: stairstep
    volume: PV
    measure: CV
    steps:${AMWAY_STEPS}
    breakaway: { from: 5, generations: ["0.04", "0.04", "0.04"], minimumLegs: 1 }`,
  "stairstep deduct, 5 steps": `  - key: performance
    kind: stairstep
    volume: PV
    measure: CV
    method: deduct
    steps:${AMWAY_STEPS}`,
  "stairstep differential, per-member lines": `  - key: performance
    kind: stairstep
    volume: PV
    measure: CV
    lines: per-member
    steps:${AMWAY_STEPS}`,
  "fast-start, 60 days, 3 levels": `  - key: fast-start
    kind: fast-start
    measure: CV
    window: { days: 60 }
    rates: ["0.20", "0.10", "0.05"]
    requires: { order: { measure: PV, minimum: "50" } }`,
  "fast-start, 2 months, roll-up, both caps": `  - key: fast-start
    kind: fast-start
    measure: CV
    window: { months: 2 }
    rates: ["0.20", "0.10", "0.05"]
    unqualified: roll-up
    caps: { sourceVolume: "200", periodAmount: "100.00" }`,
  "structure, 2 levels (sponsored members, frontline at level 1, team to depth 1)": `  - key: builder
    kind: structure
    levels:
      - amount: "75.00"
        personal: { measure: PV, minimum: "100" }
        sponsored: { count: 2, measure: PV, minimum: "100" }
      - amount: "200.00"
        personal: { measure: PV, minimum: "100" }
        frontline: { count: 2 }
        team: { measure: PV, minimum: "2000", depth: 1 }`,
  "pool, 2% of CV, Silver and up, shares by rank, carried": `  - key: pool
    kind: pool
    fund: { share: "0.02", of: CV }
    rank: Silver
    shares: { ranks: { Silver: 1, Gold: 2, Platinum: 3, Diamond: 4 } }
    remainder: carry`,
  "pool, 1% of CV, every qualified member, a share per 100 PV": `  - key: pool
    kind: pool
    fund: { share: "0.01", of: CV }
    shares: { measure: PV, per: "100" }`,
  "rank-advancement, 4 ranks, 3 instalments (first period: every rank reached)": `  - key: advancement
    kind: rank-advancement
    amounts: { Silver: "150.00", Gold: "600.00", Platinum: "1500.00", Diamond: "5000.00" }
    instalments: 3`,
  // A cap reads the bonuses it caps: its entries run unilevel too; the cap's own time is the difference
  // from the unilevel entry above.
  "unilevel + payout-cap company (10% of CV, pro rata)": `${UNILEVEL}
  - key: cap
    kind: payout-cap
    of: [unilevel]
    company: { measure: CV, share: "0.1" }
    protect: { amount: "5.00" }`,
  "unilevel + payout-cap per member (50.00)": `${UNILEVEL}
  - key: cap
    kind: payout-cap
    of: [unilevel]
    perMember: "50.00"`,
  "contest, final period (personal PV + 0.1 × group CV, 3 tiers, money and non-money awards)": `${CONTEST}`,
  "contest, running period": CONTEST.replace('to: "2026-10"', 'to: "2026-12"'),
};

const n = Number(process.argv[2] ?? 1_000_000);
// An optional second argument times only the entries whose name contains one of its comma-separated parts.
const only = process.argv[3];
const dir = generateFiles(n);
try {
  const starter = readFileSync("plans/starter-unilevel/plan.yaml", "utf8");
  const head = starter.slice(0, starter.indexOf("\nbonuses:"));
  const prepared = safePrepareFiles({ period: "2026-10", members: join(dir, "members.csv"), orders: join(dir, "orders.csv") }, { measures: new Set(["PV", "CV", "RETAIL"]) });
  if (!prepared.ok) throw new Error(prepared.issues[0]?.message);
  process.stdout.write(`| bonus (one entry, ${n.toLocaleString("en")} members) | bonuses phase, median of 5 (s) | lines | load (1 min) |\n|---|---|---|---|\n`);
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (only !== undefined && !only.split(",").some((part) => name.includes(part))) continue;
    const plan = parsePlan(`${head}\nbonuses:\n${entry}\n`);
    const times: number[] = [];
    let lines = 0;
    for (let k = 0; k < 6; k++) {
      let start = 0;
      let bonuses = 0;
      const onPhase = (p: Phase) => {
        const now = performance.now();
        if (start > 0) bonuses += now - start;
        start = p === "bonuses" ? now : 0;
      };
      const r = safeCalculatePrepared(plan, prepared.value, { onPhase });
      if (!r.ok) throw new Error(r.issues[0]?.message);
      lines = r.value.summary.bonuses.reduce((s, b) => s + b.lines, 0);
      if (k > 0) times.push(bonuses / 1000);
    }
    times.sort((a, b) => a - b);
    process.stdout.write(`| ${name} | ${(times[2] as number).toFixed(3)} | ${lines.toLocaleString("en")} | ${(loadavg()[0] as number).toFixed(1)} |\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
