// The placement helpers (docs/placement.md): example tests at each rule's edge, every position worked by
// hand from the docs; then a property against a naive placement written from the docs alone
// (test/support/place-naive.ts), with the output checked to be a valid placement tree that a run reads.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, type PlaceOptions, type PlaceResult, parsePlan, placeMembers, safeCalculate, safePlaceMembers } from "../src/index.js";
import { placeMembers as drawPlacement, shuffle } from "./arbitraries/inputs.js";
import { placeRecords } from "../src/placement/place.js";
import { WorkCounter } from "../src/run/work.js";
import { naivePlace } from "./support/place-naive.js";

const numRuns = Number(process.env.NUM_RUNS_PROPERTIES ?? 300);

/** A member: id, sponsor, join date (default 2025-01-01), and optionally its placement "P:leg". */
const m = (id: string, sponsorId: string | null, joinDate = "2025-01-01", at?: string): MemberInput => {
  if (at === undefined) return { id, sponsorId, joinDate };
  const [placementId, leg] = at.split(":") as [string, string];
  return { id, sponsorId, joinDate, placementId, leg };
};
/** The placement of each member as "id<parent:leg>", in id order (the result's order). */
const where = (r: PlaceResult) => r.members.map((x) => (x.placementId === null ? `${x.id}` : `${x.id}<${x.placementId}:${x.leg}`));
const at = (r: PlaceResult, id: string) => {
  const x = r.members.find((y) => y.id === id);
  return x?.placementId === null ? "root" : `${x?.placementId}:${x?.leg}`;
};
const issuesOf = (members: MemberInput[], options: PlaceOptions) => {
  const r = safePlaceMembers(members, options);
  return r.ok ? [] : r.issues.map((i) => [i.code, ...i.path]);
};
/** R sponsors `count` new members N01, N02, … joined the same day. */
const star = (count: number, sponsor = "R"): MemberInput[] => Array.from({ length: count }, (_, i) => m(`N${String(i + 1).padStart(2, "0")}`, sponsor));

describe("spillover: the first free position under the sponsor, shallowest first, then leftmost", () => {
  it("fills the sponsor's level left to right, then spills level by level, leftmost parent first", () => {
    const r = placeMembers([m("R", null), ...star(13)], { width: 3 });
    expect(where(r)).toEqual([
      "N01<R:1", "N02<R:2", "N03<R:3", // level 1 full
      "N04<N01:1", "N05<N01:2", "N06<N01:3", "N07<N02:1", "N08<N02:2", "N09<N02:3", "N10<N03:1", "N11<N03:2", "N12<N03:3", // level 2 full
      "N13<N04:1", // level 3 starts under the leftmost member of level 2
      "R",
    ]);
    expect(r.placed).toEqual(star(13).map((x) => x.id));
    expect(r.kept).toBe(1);
  });

  it("takes a free position on a shallower level before a deeper one further left", () => {
    // R: A (1), B (2); A: A1 (1), A2 (2); B has none. Level 2's only free positions are under B; A1's are deeper.
    const tree = [m("R", null), m("A", "R", "2024-01-01", "R:1"), m("B", "R", "2024-01-01", "R:2"), m("A1", "A", "2024-01-01", "A:1"), m("A2", "A", "2024-01-01", "A:2")];
    const r = placeMembers([...tree, m("N", "R"), m("O", "R"), m("P", "R")], { width: 2 });
    expect([at(r, "N"), at(r, "O"), at(r, "P")]).toEqual(["B:L", "B:R", "A1:L"]);
  });

  it("fills a gap the input leaves (a free leg left of a taken one) first", () => {
    // R's leg 2 is taken, leg 1 free: the first new member takes leg 1; then R is full and A's leg 1 is next.
    const r = placeMembers([m("R", null), m("A", "R", "2024-01-01", "R:2"), m("N", "R"), m("O", "R")], { width: 2 });
    expect([at(r, "N"), at(r, "O")]).toEqual(["R:L", "N:L"]);
    // 3 wide: A on leg 3 of R; legs 1 and 2 are filled before anything spills below.
    const w3 = placeMembers([m("R", null), m("A", "R", "2024-01-01", "R:3"), m("N", "R"), m("O", "R"), m("P", "R")], { width: 3 });
    expect([at(w3, "N"), at(w3, "O"), at(w3, "P")]).toEqual(["R:1", "R:2", "N:1"]);
  });

  it("places under the sponsor's own subtree, not the root's", () => {
    const tree = [m("R", null), m("A", "R", "2024-01-01", "R:1"), m("B", "R", "2024-01-01", "R:2")];
    const r = placeMembers([...tree, m("N", "B"), m("O", "B"), m("P", "B")], { width: 2 });
    // R's level 2 has free positions under A, but B's recruits stay under B.
    expect([at(r, "N"), at(r, "O"), at(r, "P")]).toEqual(["B:L", "B:R", "N:L"]);
  });

  it("a sponsor's subtree filled by others' spillover: its own recruit goes below it", () => {
    // R's recruits fill R's level 1 and 2 (A is one of them, at R:L), then A recruits X: A's level 1 is
    // full (R's N03, N04 spilled there), so X goes to A's level 2, leftmost.
    const r = placeMembers([m("R", null), m("A", "R", "2025-01-01"), m("N02", "R", "2025-01-02"), m("N03", "R", "2025-01-03"), m("N04", "R", "2025-01-04"), m("X", "A", "2025-01-05")], { width: 2 });
    expect(where(r)).toEqual(["A<R:L", "N02<R:R", "N03<A:L", "N04<A:R", "R", "X<N03:L"]);
  });
});

describe("spillover with a depth", () => {
  const line = [m("R", null), m("S", "R", "2024-01-01"), m("X1", "S"), m("X2", "S"), m("X3", "S"), m("X4", "S")];

  it("a member may go at most `depth` levels below its sponsor; beyond is PLACEMENT_MATRIX_FULL (error, the default)", () => {
    // 2 wide, depth 1: S takes R:L; S's level 1 holds X1 and X2; X3 and X4 have no position.
    expect(issuesOf(line, { width: 2, depth: 1 })).toEqual([
      ["PLACEMENT_MATRIX_FULL", "members", 4, "sponsorId"],
      ["PLACEMENT_MATRIX_FULL", "members", 5, "sponsorId"],
    ]);
    expect(issuesOf(line, { width: 2, depth: 1, whenFull: "error" })).toHaveLength(2);
    // Depth 2: X3 and X4 go to S's level 2.
    const r = placeMembers(line, { width: 2, depth: 2 });
    expect(["X1", "X2", "X3", "X4"].map((id) => at(r, id))).toEqual(["S:L", "S:R", "X1:L", "X1:R"]);
    const message = safePlaceMembers(line, { width: 2, depth: 1 });
    expect(message.ok ? "" : message.issues[0]?.message).toBe(
      'new member "X3" has no free position: the matrix of its sponsor "S", 2 wide and 1 level deep, is full (give a larger depth, or whenFull: upline, compplan place --when-full upline, to place it under the first member up the sponsor line whose matrix has room)',
    );
  });

  it("upline: a full matrix sends the member to the first sponsor up the line with room; the root's full is an issue", () => {
    // Depth 1: X3 goes to R's matrix (R:R is free); X4 finds R's level 1 full too and R is the root.
    expect(issuesOf(line, { width: 2, depth: 1, whenFull: "upline" })).toEqual([["PLACEMENT_MATRIX_FULL", "members", 5, "sponsorId"]]);
    const three = line.slice(0, 5);
    expect(where(placeMembers(three, { width: 2, depth: 1, whenFull: "upline" }))).toEqual(["R", "S<R:L", "X1<S:L", "X2<S:R", "X3<R:R"]);
    const r = safePlaceMembers(line, { width: 2, depth: 1, whenFull: "upline" });
    expect(r.ok ? "" : r.issues[0]?.message).toBe('new member "X4" has no free position: the matrix of its sponsor "S", 2 wide and 1 level deep, is full, and so is that of every member above "S" in the sponsor tree up to the root "R"');
    // The upline's matrix is searched from the upline: with depth 2, R's level 2 has room under S's sibling.
    const deeper = [m("R", null), m("S", "R", "2024-01-01", "R:1"), m("T", "R", "2024-01-01", "R:2"), m("S1", "S", "2024-01-01", "S:1"), m("S2", "S", "2024-01-01", "S:2"), m("S11", "S1", "2024-01-01", "S1:1"), m("S12", "S1", "2024-01-01", "S1:2"), m("S21", "S2", "2024-01-01", "S2:1"), m("S22", "S2", "2024-01-01", "S2:2"), m("X", "S")];
    expect(at(placeMembers(deeper, { width: 2, depth: 2, whenFull: "upline" }), "X")).toBe("T:L");
    expect(issuesOf(deeper, { width: 2, depth: 2 })).toEqual([["PLACEMENT_MATRIX_FULL", "members", 9, "sponsorId"]]);
    expect(at(placeMembers(deeper, { width: 2, depth: 3 }), "X")).toBe("S11:L");
  });

  it("the members of a member that could not be placed are not placed either (one issue, for it)", () => {
    expect(issuesOf([...line.slice(0, 5), m("Y", "X3", "2025-02-01")], { width: 2, depth: 1 })).toEqual([["PLACEMENT_MATRIX_FULL", "members", 4, "sponsorId"]]);
  });
});

describe("binary: extreme left, extreme right", () => {
  // An existing tree: a left chain R ← C1 ← … ← C50 (each on L), and on the right of every Ck a leaf Dk.
  const deep = (): MemberInput[] => {
    const out = [m("R", null)];
    for (let k = 1; k <= 50; k++) {
      out.push(m(`C${k}`, "R", "2024-01-01", `${k === 1 ? "R" : `C${k - 1}`}:L`));
      out.push(m(`D${k}`, "R", "2024-01-01", `C${k}:R`));
    }
    return out;
  };

  it("extreme-left: at the bottom of the sponsor's outside left leg, however deep", () => {
    const r = placeMembers([...deep(), m("N", "R"), m("O", "C10"), m("P", "D7"), m("Q", "N", "2025-02-01")], { method: "extreme-left" });
    expect([at(r, "N"), at(r, "O"), at(r, "P"), at(r, "Q")]).toEqual(["C50:L", "N:L", "D7:L", "O:L"]);
  });

  it("extreme-right: the right leg's bottom (the sponsor itself while its R is free)", () => {
    const r = placeMembers([...deep(), m("N", "R"), m("O", "R"), m("P", "C10"), m("Q", "C10")], { method: "extreme-right" });
    expect([at(r, "N"), at(r, "O"), at(r, "P"), at(r, "Q")]).toEqual(["R:R", "N:R", "D10:R", "P:R"]);
  });

  it("legs are written L and R; the width of a binary method is 2", () => {
    const r = placeMembers([m("R", null), m("A", "R")], { method: "extreme-left", width: 2 });
    expect(r.members.find((x) => x.id === "A")).toEqual({ id: "A", sponsorId: "R", joinDate: "2025-01-01", status: "enrolled", placementId: "R", leg: "L" });
    expect(r.width).toBe(2);
    expect(issuesOf([m("R", null), m("A", "R")], { method: "extreme-left", width: 3 })).toEqual([["INPUT_INVALID_ARGUMENT", "options", "width"]]);
  });
});

describe("binary: the weaker leg", () => {
  it("the side with fewer members, at its outside bottom; a tie goes left", () => {
    // R: A (L) with A1 under it, B (R): left 2 members, right 1.
    const tree = [m("R", null), m("A", "R", "2024-01-01", "R:L"), m("A1", "A", "2024-01-01", "A:L"), m("B", "R", "2024-01-01", "R:R")];
    const r = placeMembers([...tree, m("N", "R", "2025-01-01"), m("O", "R", "2025-01-02"), m("P", "R", "2025-01-03")], { method: "weaker-leg" });
    // N: 2 against 1, right (B's R). O: 2 against 2, a tie: left, at the outside bottom (A1's L). P: 3 against 2: right (N's R).
    expect([at(r, "N"), at(r, "O"), at(r, "P")]).toEqual(["B:R", "A1:L", "N:R"]);
  });

  it("an empty side is the weaker (or tied) one and takes the member directly", () => {
    const r = placeMembers([m("R", null), m("A", "R", "2025-01-01"), m("B", "R", "2025-01-02"), m("C", "A", "2025-01-03")], { method: "weaker-leg" });
    // A: both empty, tie, R:L. B: left 1, right 0: R:R. C (sponsor A): both sides of A empty: A:L.
    expect(where(r)).toEqual(["A<R:L", "B<R:R", "C<A:L", "R"]);
  });

  it("by a measure: the side with less volume, though it has more members", () => {
    const tree = [m("R", null), m("A", "R", "2024-01-01", "R:L"), m("B", "R", "2024-01-01", "R:R"), m("B1", "B", "2024-01-01", "B:R"), m("B2", "B", "2024-01-01", "B:L")];
    const order = (id: string, memberId: string, pv: string): OrderInput => ({ id, memberId, kind: "retail-sale", date: "2026-10-01", volumes: { PV: pv, CV: "1" } });
    // Left: A with 500 PV. Right: B, B1, B2 with 100 each (and a customer order of 50.5 for B1): 350.5.
    const orders = [order("o1", "A", "500"), order("o2", "B", "100"), order("o3", "B1", "100"), order("o4", "B2", "100"), { ...order("o5", "B1", "50.5"), kind: "customer-order" as const }];
    const byPv = placeMembers([...tree, m("N", "R")], { method: "weaker-leg", measure: "PV", orders });
    expect(at(byPv, "N")).toBe("B1:R"); // right is lighter: the bottom of its outside right leg
    expect(at(placeMembers([...tree, m("N", "R")], { method: "weaker-leg" }), "N")).toBe("A:L"); // by count, left (1 against 3)
    // A new member's own orders weigh its leg once it is placed: N (right, 400 PV) makes the right 750.5, so O goes left.
    const withNew = placeMembers([...tree, m("N", "R", "2025-01-01"), m("O", "R", "2025-01-02")], { method: "weaker-leg", measure: "PV", orders: [...orders, order("o6", "N", "400")] });
    expect([at(withNew, "N"), at(withNew, "O")]).toEqual(["B1:R", "A:L"]);
    // Equal volume: left. No volume at all on either side: left.
    expect(at(placeMembers([...tree, m("N", "R")], { method: "weaker-leg", measure: "PV", orders: [order("o1", "A", "300"), order("o2", "B", "300")] }), "N")).toBe("A:L");
    expect(at(placeMembers([...tree, m("N", "R")], { method: "weaker-leg", measure: "CV", orders: [order("o1", "R", "1")] }), "N")).toBe("A:L");
    // A right side empty but a left side of 0 volume is a tie: left.
    expect(at(placeMembers([m("R", null), m("A", "R", "2024-01-01", "R:L"), m("N", "R")], { method: "weaker-leg", measure: "PV", orders: [order("o1", "R", "10")] }), "N")).toBe("A:L");
  });

  it("orders' issues: an unknown member, a measure no order carries, a bad volume", () => {
    const members = [m("R", null), m("N", "R")];
    const order = { id: "o1", memberId: "R", kind: "retail-sale", date: "2026-10-01", volumes: { PV: "1" } } as const;
    expect(issuesOf(members, { method: "weaker-leg", measure: "PV", orders: [{ ...order, memberId: "Q" }] })).toEqual([["ORDER_UNKNOWN_MEMBER", "orders", 0, "memberId"]]);
    expect(issuesOf(members, { method: "weaker-leg", measure: "BV", orders: [order] })).toEqual([["INPUT_MISSING_COLUMN", "orders", "volumes", "BV"]]);
    expect(issuesOf(members, { method: "weaker-leg", measure: "PV", orders: [{ ...order, volumes: { PV: "-1" } }] })).toEqual([["ORDER_VOLUME_NEGATIVE", "orders", 0, "volumes", "PV"]]);
    // No orders at all: every leg weighs 0, so every member goes left.
    expect(where(placeMembers([...members, m("O", "R", "2025-02-01")], { method: "weaker-leg", measure: "PV", orders: [] }))).toEqual(["N<R:L", "O<N:L", "R"]);
  });
});

describe("the order new members are placed in", () => {
  it("earliest join date first, then id; a member whose sponsor is new waits for it", () => {
    const members = [
      m("R", null, "2024-01-01"),
      m("Z", "R", "2025-01-01"),
      m("A", "R", "2025-02-01"),
      m("B", "R", "2025-01-01"), // same day as Z, smaller id: before Z
      m("T", "S", "2024-06-01"), // joined before its sponsor S: placed right after S
      m("S", "R", "2025-03-01"),
      m("U", "S", "2025-03-01"), // same day as S, after S
    ];
    const r = placeMembers(members, { width: 2 });
    expect(r.placed).toEqual(["B", "Z", "A", "S", "T", "U"]);
    expect(where(r)).toEqual(["A<B:L", "B<R:L", "R", "S<B:R", "T<S:L", "U<S:R", "Z<R:R"]);
  });

  it("members held back by a late sponsor follow it shallowest first, then by their own join", () => {
    // S joined last; T, W (its recruits) and V (T's recruit) joined before it: all four have S's
    // effective join. S first (depth 1), then T and W (depth 2, T joined first), then V (depth 3), though
    // V joined earliest of all. X joined after S: its own join, after the whole group.
    const members = [m("R", null, "2024-01-01"), m("S", "R", "2025-03-01"), m("T", "S", "2024-06-01"), m("V", "T", "2024-01-15"), m("W", "S", "2024-12-01"), m("X", "R", "2025-03-02")];
    const r = placeMembers(members, { width: 2 });
    expect(r.placed).toEqual(["S", "T", "W", "V", "X"]);
    expect(where(r)).toEqual(["R", "S<R:L", "T<S:L", "V<T:L", "W<S:R", "X<R:R"]);
    // A placed sponsor holds nothing back: Y (joined before its placed sponsor P) goes in its own turn.
    const placedSponsor = [m("R", null, "2024-01-01"), m("P", "R", "2025-05-01", "R:R"), m("Y", "P", "2024-02-01"), m("Q", "R", "2024-03-01")];
    expect(placeMembers(placedSponsor, { width: 2 }).placed).toEqual(["Y", "Q"]);
  });
});

describe("what the input gives is kept; the output does not depend on the input's row order", () => {
  const given = [m("R", null), m("A", "R", "2024-01-01", "R:2"), m("B", "A", "2024-01-01", "A:1"), m("C", "A", "2024-01-01", "R:1")];
  const members = [...given, m("N1", "B", "2025-01-02"), m("N2", "A", "2025-01-01"), m("N3", "C", "2025-01-03"), { ...m("N4", "R", "2025-01-01"), status: "suspended" as const, rank: "Gold" }];

  it("members placed in the input keep their position (legs written L and R at width 2)", () => {
    const r = placeMembers(members, { width: 2 });
    expect(where(r).filter((x) => !x.startsWith("N"))).toEqual(["A<R:R", "B<A:L", "C<R:L", "R"]);
    expect(r.kept).toBe(4);
    expect(r.members.find((x) => x.id === "N4")).toEqual({ id: "N4", sponsorId: "R", joinDate: "2025-01-01", status: "suspended", rank: "Gold", placementId: "C", leg: "L" });
  });

  it("the same members in any row order give the same result", () => {
    const expected = placeMembers(members, { width: 3 });
    for (let seed = 1; seed <= 20; seed++) expect(placeMembers(shuffle(members, seed), { width: 3 })).toEqual(expected);
  });
});

describe("issues", () => {
  it("the placement given must be a placement tree whose parents are placed", () => {
    const base = [m("R", null), m("A", "R", "2024-01-01", "R:1")];
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "N:1"), m("N", "R")], { width: 2 })).toEqual([["PLACEMENT_PARENT_UNPLACED", "members", 2, "placementId"]]);
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "A:3")], { width: 2 })).toEqual([["PLACEMENT_TOO_WIDE", "members", 2, "leg"]]);
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "A:3")], { width: 3 })).toEqual([]);
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "R:L"), m("C", "R", "2024-01-01", "R:1")], { width: 2 })).toEqual([
      ["PLACEMENT_POSITION_TAKEN", "members", 2, "leg"],
      ["PLACEMENT_POSITION_TAKEN", "members", 3, "leg"],
    ]);
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "Q:1")], { width: 2 })).toEqual([["PLACEMENT_UNKNOWN_PARENT", "members", 2, "placementId"]]);
    expect(issuesOf([m("R", null, "2024-01-01", "A:1"), m("A", "R")], { width: 2 })).toEqual([["PLACEMENT_ROOT", "members", 0, "placementId"]]);
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "C:1"), m("C", "R", "2024-01-01", "B:1")], { width: 2 })).toEqual([["PLACEMENT_CYCLE", "members", 2, "placementId"]]);
    expect(issuesOf([...base, m("B", "R", "2024-01-01", "B:1")], { width: 2 })).toEqual([["PLACEMENT_CYCLE", "members", 2, "placementId"]]);
    const taken = safePlaceMembers([...base, m("B", "R", "2024-01-01", "R:L")], { width: 2 });
    expect(taken.ok ? "" : taken.issues[0]?.message).toBe('member "B" is placed on leg 1 (L) of "R", the position of "A" (row 1); each position holds one member');
  });

  it("the members and the sponsor tree are checked as for a run", () => {
    expect(issuesOf([m("R", null), m("A", "Q")], { width: 2 })).toEqual([["MEMBER_UNKNOWN_SPONSOR", "members", 1, "sponsorId"]]);
    expect(issuesOf([m("R", null), { id: "A", sponsorId: "R", joinDate: "2025-02-30" }], { width: 2 })).toEqual([["INPUT_INVALID_FIELD", "members", 1, "joinDate"]]);
    expect(issuesOf([], { width: 2 })).toEqual([["INPUT_EMPTY", "members"]]);
    // Dates are not checked against any period: placement does not depend on one.
    expect(issuesOf([m("R", null), m("A", "R", "2099-12-31")], { width: 2 })).toEqual([]);
  });

  it("options that do not fit are INPUT_INVALID_ARGUMENT, never a TypeError", () => {
    const ms = [m("R", null)];
    const bad = (o: unknown) => issuesOf(ms, o as PlaceOptions).map((i) => i.slice(1).join("."));
    expect(bad({})).toEqual(["options.width"]); // spillover needs a width
    expect(bad({ width: 1 })).toEqual(["options.width"]);
    expect(bad({ width: 1001 })).toEqual(["options.width"]);
    expect(bad({ width: 2.5 })).toEqual(["options.width"]);
    expect(bad({ method: "snake", width: 2 })).toEqual(["options.method"]);
    expect(bad({ width: 2, depth: 0 })).toEqual(["options.depth"]);
    expect(bad({ method: "extreme-left", depth: 3 })).toEqual(["options.depth"]);
    expect(bad({ width: 2, whenFull: "upline" })).toEqual(["options.whenFull"]);
    expect(bad({ width: 2, depth: 2, whenFull: "spill" })).toEqual(["options.whenFull"]);
    expect(bad({ width: 2, measure: "PV", orders: [] })).toEqual(["options.measure"]);
    expect(bad({ method: "weaker-leg", measure: "PV" })).toEqual(["options.orders"]);
    expect(bad({ method: "weaker-leg", orders: [] })).toEqual(["options.orders"]);
    expect(bad(null)).toEqual(["options"]);
    expect(bad({ width: 2, onProgress: 5 })).toEqual(["options"]);
    const r = safePlaceMembers(null as unknown as MemberInput[]);
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(["INPUT_INVALID_ARGUMENT"]);
    expect(() => placeMembers(ms, { width: 1 })).toThrow(/options\.width|option "width"/);
  });
});

describe("progress", () => {
  it("reports the phases and the count of members placed", () => {
    const phases: string[] = [];
    const counts: [number, number][] = [];
    placeMembers([m("R", null), ...star(5)], { width: 2, onPhase: (p) => phases.push(p), onProgress: (d, t) => counts.push([d, t]) });
    expect(phases).toEqual(["validate", "place", "output"]);
    expect(counts).toEqual([[5, 5]]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The property: random sponsor trees with part of a placement given, every method; the result equals the
// naive placement's, is a valid placement tree, keeps what was given, does not depend on row order, and a
// run on the placement tree reads it.

const IDS = fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,4}$/), { minLength: 40, maxLength: 40 });
const DATES = ["2024-05-01", "2024-05-02", "2024-05-03"];

const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    ids: IDS,
    sponsor: fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 40, maxLength: 40 }),
    shape: fc.constantFrom("random", "random", "chain", "star"),
    dates: fc.array(fc.constantFrom(...DATES), { minLength: 40, maxLength: 40 }),
    method: fc.constantFrom("spillover", "spillover", "spillover", "extreme-left", "extreme-right", "weaker-leg", "weaker-leg"),
    width: fc.integer({ min: 2, max: 4 }),
    depth: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    upline: fc.boolean(),
    placement: fc.record({
      shape: fc.constantFrom("random", "chain", "filled"),
      r: fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 40, maxLength: 40 }),
      keep: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }),
    }),
    volumes: fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }), { nil: undefined, freq: 2 }),
    seed: fc.integer(),
  })
  .map((c) => {
    const binary = c.method !== "spillover";
    const width = binary ? 2 : c.width;
    const ids = c.ids.slice(0, c.n);
    const sponsorOf = (i: number) => (c.shape === "chain" ? i - 1 : c.shape === "star" ? 0 : Math.floor((c.sponsor[i] ?? 0) * i));
    // A whole placement tree drawn, then a part of it kept: a member keeps its position when its parent does (and by chance).
    const tree = drawPlacement(c.n, width, c.placement.shape as "random" | "chain" | "filled", c.placement.r);
    const kept = tree.map(() => false);
    tree.forEach((t, i) => (kept[i] = i === 0 || (kept[t.parent] === true && (c.placement.keep[i] ?? 0) > 0)));
    const members: MemberInput[] = ids.map((id, i) => ({
      id,
      sponsorId: i === 0 ? null : (ids[sponsorOf(i)] as string),
      joinDate: c.dates[i] as string,
      ...(i > 0 && kept[i] ? { placementId: ids[tree[i]?.parent as number] as string, leg: width === 2 && i % 2 === 0 ? (tree[i]?.leg === 1 ? "L" : "R") : (tree[i]?.leg as number) } : {}),
    }));
    const orders: OrderInput[] = c.volumes === undefined ? [] : ids.map((id, i) => ({ id: `o${i}`, memberId: id, kind: "retail-sale", date: "2026-10-01", volumes: { PV: String(c.volumes?.[i] ?? 0) } }));
    const options: PlaceOptions = {
      method: c.method as NonNullable<PlaceOptions["method"]>,
      ...(binary ? {} : { width }),
      ...(!binary && c.depth !== undefined ? { depth: c.depth, whenFull: c.upline ? ("upline" as const) : ("error" as const) } : {}),
      ...(c.method === "weaker-leg" && c.volumes !== undefined ? { measure: "PV", orders } : {}),
    };
    return { members: shuffle(members, c.seed), options, width, seed: c.seed, volumes: c.volumes === undefined ? undefined : new Map(ids.map((id, i) => [id, c.volumes?.[i] ?? 0])) };
  });

/** The placement tree of a result as id → [parent, leg number]. */
const tree = (r: PlaceResult) => new Map(r.members.filter((x) => x.placementId !== null).map((x) => [x.id, [x.placementId as string, x.leg === "L" ? 1 : x.leg === "R" ? 2 : (x.leg as number)] as [string, number]]));

describe("placement against a naive placement written from the docs", () => {
  it("the same positions, the same order and the same members without room", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const naive = naivePlace(c.members, { method: c.options.method ?? "spillover", width: c.width, ...(c.options.depth !== undefined ? { depth: c.options.depth } : {}), ...(c.options.whenFull !== undefined ? { whenFull: c.options.whenFull } : {}), ...(c.options.measure !== undefined && c.volumes !== undefined ? { volume: c.volumes } : {}) });
        const r = safePlaceMembers(c.members, c.options);
        if (naive.failed.length > 0) {
          expect(r.ok).toBe(false);
          if (r.ok) return;
          expect(r.issues.every((i) => i.code === "PLACEMENT_MATRIX_FULL")).toBe(true);
          expect(r.issues.map((i) => c.members[i.path[1] as number]?.id).sort()).toEqual([...naive.failed].sort());
          return;
        }
        expect(r.ok, JSON.stringify(r.ok ? [] : r.issues)).toBe(true);
        if (!r.ok) return;
        expect(tree(r.value)).toEqual(naive.placement);
        expect(r.value.placed).toEqual(naive.order);
      }),
      { numRuns },
    );
  });

  it("the result is a valid placement tree keeping what was given, independent of row order, and a run reads it", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = safePlaceMembers(c.members, c.options);
        if (!r.ok) return; // a full matrix (compared with the naive placement above)
        const placed = tree(r.value);
        const root = c.members.find((x) => x.sponsorId === null)?.id as string;
        // Every member but the root placed once, within the width, one member per position, all reaching the root.
        expect(placed.size).toBe(c.members.length - 1);
        const positions = new Set<string>();
        for (const [id, [parent, leg]] of placed) {
          expect(leg >= 1 && leg <= c.width, id).toBe(true);
          expect(positions.has(`${parent}:${leg}`)).toBe(false);
          positions.add(`${parent}:${leg}`);
          let steps = 0;
          for (let u: string | undefined = id; u !== root; u = placed.get(u as string)?.[0]) {
            expect(u).toBeDefined();
            expect(++steps).toBeLessThanOrEqual(c.members.length);
          }
        }
        // What the input gives is kept.
        for (const x of c.members) {
          if (x.placementId !== undefined) expect(placed.get(x.id)).toEqual([x.placementId, x.leg === "L" ? 1 : x.leg === "R" ? 2 : Number(x.leg)]);
        }
        // Inside the sponsor's placement subtree (always, but when a full matrix sent the member up the line).
        if (c.options.whenFull !== "upline") {
          for (const x of c.members) {
            if (x.placementId !== undefined || x.sponsorId === null) continue;
            let u: string | undefined = placed.get(x.id)?.[0];
            while (u !== undefined && u !== x.sponsorId) u = placed.get(u)?.[0];
            expect(u, `${x.id} under its sponsor ${x.sponsorId}`).toBe(x.sponsorId);
          }
        }
        // Row order does not matter.
        expect(safePlaceMembers(shuffle(c.members, c.seed * 31 + 7), c.options)).toEqual(r);
        // A run on the placement tree reads the result.
        const plan = parsePlan({
          compplan: 1,
          id: "p",
          currency: "USD",
          payoutBasis: "PV",
          measures: { PV: { counts: ["retail-sale"] } },
          placement: { width: c.width },
          bonuses: [{ key: "u", kind: "unilevel", measure: "PV", compression: "none", unqualifiedVolumePays: true, tree: "placement", schedule: [{ rates: ["0.10", "0.05"] }] }],
        });
        const run = safeCalculate(plan, { period: "2026-10", members: [...r.value.members], orders: [] });
        expect(run.ok, JSON.stringify(run.ok ? [] : run.issues.slice(0, 3))).toBe(true);
      }),
      { numRuns },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Linear time, proved by counting the placers' pointer steps (not by timing): on shapes that would make a
// search per member, or a queue per sponsor, superlinear, the steps per member do not grow with size.

/** R plus n - 1 members: the sponsor of member i, its join date (ordering the placements) and a given placement. */
type Shape = (n: number) => MemberInput[];
const id = (i: number) => `M${String(i).padStart(7, "0")}`;
const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().slice(0, 10);
const SHAPES: Record<string, Shape> = {
  // The root sponsors everyone.
  star: (n) => Array.from({ length: n }, (_, i) => ({ id: id(i), sponsorId: i === 0 ? null : id(0), joinDate: "2025-01-01" })),
  // Each member sponsors the next.
  chain: (n) => Array.from({ length: n }, (_, i) => ({ id: id(i), sponsorId: i === 0 ? null : id(i - 1), joinDate: "2025-01-01" })),
  // A random sponsor tree.
  random: (n) => {
    let s = 7;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    return Array.from({ length: n }, (_, i) => ({ id: id(i), sponsorId: i === 0 ? null : id(Math.floor(rand() * i)), joinDate: "2025-01-01" }));
  },
  // A complete binary tree placed (the first half), each of its members sponsoring one new member: every
  // sponsor's subtree is full down to its bottom, the case a queue per sponsor pays n log n for.
  "complete, each sponsors one": (n) => {
    const half = Math.floor(n / 2);
    return Array.from({ length: n }, (_, i) =>
      i < half
        ? { id: id(i), sponsorId: i === 0 ? null : id(0), joinDate: "2024-01-01", ...(i > 0 ? { placementId: id(Math.floor((i - 1) / 2)), leg: ((i - 1) % 2) + 1 } : {}) }
        : { id: id(i), sponsorId: id(i - half), joinDate: "2025-01-01" },
    );
  },
  // The same complete tree, the members of its leftmost path taking turns sponsoring the new members.
  "complete, its left path sponsors in turn": (n) => {
    const half = Math.floor(n / 2);
    const path: number[] = [];
    for (let i = 0; i < half; i = 2 * i + 1) path.push(i);
    return Array.from({ length: n }, (_, i) =>
      i < half
        ? { id: id(i), sponsorId: i === 0 ? null : id(0), joinDate: "2024-01-01", ...(i > 0 ? { placementId: id(Math.floor((i - 1) / 2)), leg: ((i - 1) % 2) + 1 } : {}) }
        : { id: id(i), sponsorId: id(path[i % path.length] as number), joinDate: day(i) },
    );
  },
};
const METHODS: Record<string, PlaceOptions> = {
  "spillover 2 wide": { width: 2 },
  "spillover 3 wide": { width: 3 },
  "spillover 4 wide, depth 9, upline": { width: 4, depth: 9, whenFull: "upline" },
  "extreme-left": { method: "extreme-left" },
  "weaker-leg": { method: "weaker-leg" },
};

describe("linear work, proved by counting", () => {
  const stepsPerMember = (shape: Shape, n: number, options: PlaceOptions) => {
    const work = new WorkCounter();
    const r = placeRecords(shape(n), options, undefined, undefined, work);
    expect(r.ok, r.ok ? "" : r.issues[0]?.message).toBe(true);
    const w = work.snapshot();
    return (w.place as number) / (w.members as number);
  };
  it("upline: climbing past full matrices, up to the root, is amortized by path compression", () => {
    // A sponsor chain whose members each sponsor 3 more (joined later, the deepest first): 2 wide, depth
    // 1, every matrix is full after two, so the third recruit of each climbs; most climb to the root
    // and fail (an issue each), each climb a step or two once the full members point past themselves.
    const shape: Shape = (n) => {
      const k = Math.floor(n / 4);
      const chain = Array.from({ length: k }, (_, i) => ({ id: id(i), sponsorId: i === 0 ? null : id(i - 1), joinDate: "2024-01-01" }));
      const extra = Array.from({ length: n - k }, (_, j) => ({ id: `X${String(j).padStart(7, "0")}`, sponsorId: id(k - 1 - (j % k)), joinDate: day(j) }));
      return [...chain, ...extra];
    };
    const steps = (n: number) => {
      const work = new WorkCounter();
      const r = placeRecords(shape(n), { width: 2, depth: 1, whenFull: "upline" }, undefined, undefined, work);
      expect(r.ok).toBe(false);
      return (work.snapshot().place as number) / n;
    };
    const small = steps(2_000);
    expect(steps(64_000), `${small}`).toBeLessThanOrEqual(1.2 * small + 1);
  });

  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    for (const [methodName, options] of Object.entries(METHODS)) {
      it.skipIf(process.env.COMPPLAN_QUICK === "1" && shapeName === "random")(`${shapeName}, ${methodName}: steps per member do not grow from 2,000 to 64,000 members`, () => {
        const small = stepsPerMember(shape, 2_000, options);
        const large = stepsPerMember(shape, 64_000, options);
        // Linear: the same steps per member at 32× the size. The weaker leg is O(log n) per member (a
        // treap): log 64,000 / log 2,000 is 1.46; n log n would be that, quadratic 32×.
        const bound = options.method === "weaker-leg" ? 2 * small : 1.2 * small + 1;
        expect(large, `${small.toFixed(2)} → ${large.toFixed(2)} steps per member`).toBeLessThanOrEqual(bound);
      });
    }
  }
});
