// The explain golden scenario: the starter-unilevel plan (plans/starter-unilevel) on a small hand-built
// genealogy. Every figure in the golden files is derived by hand in the comments below.
//
//   R (root) ── A ─┬─ B ─┬─ U (not qualified: PV 50) ── Q
//                  │     └─ BB (retail seller)
//                  └─ C ── C1 ── C2 ── C3 ── C4
//
// PV / CV per member: R 100/80, A 100/80, B 150/120, U 30+20 / 24+16 (RETAIL 10), Q 200/160.9,
// BB 2100/1680 (RETAIL 300), C..C3 100/80 each, C4 200/160.
// Group PV: leg B = 150 + 50 + 200 + 2100 = 2,500; leg C = 600; A = 3,200; R = 3,300.
//
// A is paid as Bronze (PV 100, GV 3,200 ≥ 1,000) and misses Silver on the 60% leg cap: at most
// 0.6 × 3,000 = 1,800 from one leg, so counted = 100 + 1,800 (leg B, 2,500) + 600 (leg C) = 2,500 < 3,000;
// 500 more is needed outside leg B (leg C has room for 1,200). A's unilevel (Bronze unlocks 4 levels):
//   level 1: B 120 + C 80 = 200 × 5% = 10.00
//   level 2: BB 1,680 + C1 80 = 1,760 × 5% = 88.00
//   level 2 compressed: Q 160.9 × 5% = 8.045, rounded half-even to 8.04 (Q is 3 generations down; U skipped)
//   level 3: C2 80 × 4% = 3.20; level 4: C3 80 × 4% = 3.20
//   breakage: U's CV 40 at level 2 pays no one (source unqualified; A would get 2.00);
//             C4's CV 160 at level 5 is locked (Silver unlocks it at 3%: 4.80)
//   total 10.00 + 88.00 + 8.04 + 3.20 + 3.20 = 112.44
// U is not qualified (PV 30 personal consumption + 20 retail = 50 of 100); retail profit RETAIL 10 × 1 = 10.00;
// dynamic compression skips U for Q's CV 160.9 at U's level 1 (the base row's 5% would pay 8.045).
import type { CalculateInput } from "../../index.js";

export const STARTER_PLAN = "plans/starter-unilevel/plan.yaml";

const m = (id: string, sponsorId: string | null) => ({ id, sponsorId, joinDate: "2024-01-01" });
const o = (id: string, memberId: string, kind: "personal-consumption" | "retail-sale" | "customer-order", PV: string, CV: string, RETAIL = "0") => ({
  id,
  memberId,
  kind,
  date: "2026-10-05",
  volumes: { PV, CV, RETAIL },
});

export const SCENARIO: CalculateInput = {
  period: "2026-10",
  members: [
    m("R", null),
    m("A", "R"),
    m("B", "A"),
    m("U", "B"),
    m("Q", "U"),
    m("BB", "B"),
    m("C", "A"),
    m("C1", "C"),
    m("C2", "C1"),
    m("C3", "C2"),
    m("C4", "C3"),
  ],
  orders: [
    o("o-r", "R", "personal-consumption", "100", "80"),
    o("o-a", "A", "personal-consumption", "100", "80"),
    o("o-b", "B", "personal-consumption", "150", "120"),
    o("o-u1", "U", "personal-consumption", "30", "24"),
    o("o-u2", "U", "retail-sale", "20", "16", "10"),
    o("o-q", "Q", "personal-consumption", "200", "160.9"),
    o("o-bb", "BB", "retail-sale", "2100", "1680", "300"),
    o("o-c", "C", "personal-consumption", "100", "80"),
    o("o-c1", "C1", "personal-consumption", "100", "80"),
    o("o-c2", "C2", "personal-consumption", "100", "80"),
    o("o-c3", "C3", "personal-consumption", "100", "80"),
    o("o-c4", "C4", "personal-consumption", "200", "160"),
  ],
};
