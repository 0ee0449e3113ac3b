import { describe, expect, it } from "vitest";
import type { MemberRow } from "../input/rows.js";
import { buildGenealogy, membersById } from "./genealogy.js";

const row = (id: string, sponsorId: string | null): MemberRow => ({ id, sponsorId, joinDate: "2024-01-01", status: "enrolled" });

describe("buildGenealogy", () => {
  it("numbers members top-down, children in input order, and records depths and children", () => {
    const rows = [row("C", "B"), row("A", null), row("B", "A"), row("D", "A"), row("E", "B")];
    const { genealogy: g, issues } = buildGenealogy(rows);
    expect(issues).toEqual([]);
    if (g === undefined) throw new Error("no genealogy");
    // Breadth-first from the root A; B before D and C before E as in the input.
    expect(Array.from({ length: g.size }, (_, i) => g.ids.at(i))).toEqual(["A", "B", "D", "C", "E"]);
    expect(g.root).toBe(0);
    const sponsorOf = (id: string) => {
      const p = g.parent[g.indexOf.get(id) as number] as number;
      return p < 0 ? null : g.ids.at(p);
    };
    for (const r of rows) expect(sponsorOf(r.id)).toBe(r.sponsorId);
    const pos = new Map(Array.from(g.order, (m, j) => [m, j]));
    for (let i = 0; i < g.size; i++) {
      const p = g.parent[i] as number;
      if (p >= 0) expect(pos.get(p)).toBeLessThan(pos.get(i) as number);
    }
    const depthOf = (id: string) => g.depth[g.indexOf.get(id) as number];
    expect(["A", "B", "C", "D", "E"].map(depthOf)).toEqual([0, 1, 2, 1, 2]);
    const children = (id: string) => {
      const i = g.indexOf.get(id) as number;
      return Array.from(g.childList.subarray(g.childStart[i], g.childStart[i + 1])).map((c) => g.ids.at(c));
    };
    expect(children("A")).toEqual(["B", "D"]);
    expect(children("B")).toEqual(["C", "E"]);
    expect(children("C")).toEqual([]);
    // Back to the input: member i is row row[i], and memberOfRow inverts it.
    for (let i = 0; i < g.size; i++) {
      expect(rows[g.row[i] as number]?.id).toBe(g.ids.at(i));
      expect(g.memberOfRow[g.row[i] as number]).toBe(i);
      expect(g.rowIds.at(g.row[i] as number)).toBe(g.ids.at(i));
    }
  });

  it("lists members by id whatever the input order", () => {
    const rows = [row("C", "B"), row("A", null), row("B", "A"), row("D", "A"), row("E", "B")];
    const { genealogy: g } = buildGenealogy(rows);
    if (g === undefined) throw new Error("no genealogy");
    expect(Array.from(membersById(g), (i) => g.ids.at(i))).toEqual(["A", "B", "C", "D", "E"]);
    const sorted = buildGenealogy([...rows].sort((a, b) => (a.id < b.id ? -1 : 1))).genealogy;
    if (sorted === undefined) throw new Error("no genealogy");
    expect(Array.from(membersById(sorted), (i) => sorted.ids.at(i))).toEqual(["A", "B", "C", "D", "E"]);
  });

  it("reports each sponsor cycle once, naming its members", () => {
    const { issues } = buildGenealogy([row("A", null), row("B", "C"), row("C", "D"), row("D", "B"), row("E", "D")]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe("MEMBER_SPONSOR_CYCLE");
    expect((issues[0]?.value as string[]).slice().sort()).toEqual(["B", "C", "D"]);
  });

  it("builds a one-million-deep chain without recursion", () => {
    const n = 1_000_000;
    const rows: MemberRow[] = new Array(n);
    for (let i = 0; i < n; i++) rows[i] = row(`m${i}`, i === 0 ? null : `m${i - 1}`);
    const { genealogy: g, issues } = buildGenealogy(rows);
    expect(issues).toEqual([]);
    expect(g?.depth[n - 1]).toBe(n - 1);
    expect(g?.order[n - 1]).toBe(n - 1);
  });
});

describe("sponsor cycles of any size", () => {
  it("reports a cycle of 130,000 members (no stack overflow) with a message of readable length", () => {
    const n = 130_000;
    // The root, then members m0 … m(n-1), each sponsored by the next and the last by m0: one long cycle.
    const rows = [row("root", null), ...Array.from({ length: n }, (_, i) => row(`m${i}`, `m${(i + 1) % n}`))];
    const { genealogy, issues } = buildGenealogy(rows);
    expect(genealogy).toBeUndefined();
    expect(issues).toHaveLength(1);
    const cycle = issues[0];
    expect([cycle?.code, cycle?.path]).toEqual(["MEMBER_SPONSOR_CYCLE", ["members", 1, "sponsorId"]]);
    expect((cycle?.value as string[]).length).toBe(n);
    expect(cycle?.message).toBe(`sponsor links form a cycle: m0 → m1 → m2 → m3 → m4 → m5 → m6 → m7 → … (129,990 more) → m129998 → m129999 → m0 (130,000 members)`);
  });

  it("reports 150,000 separate cycles, one issue each (no spread of them into a call)", () => {
    const rows = [row("root", null)];
    for (let i = 0; i < 150_000; i++) rows.push(row(`a${i}`, `b${i}`), row(`b${i}`, `a${i}`));
    const { issues } = buildGenealogy(rows);
    expect(issues).toHaveLength(150_000);
    expect(issues[149_999]?.message).toBe("sponsor links form a cycle: a149999 → b149999 → a149999");
  });
});
