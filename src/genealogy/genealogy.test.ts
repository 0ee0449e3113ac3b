import { describe, expect, it } from "vitest";
import type { MemberRow } from "../input/rows.js";
import { buildGenealogy } from "./genealogy.js";

const row = (id: string, sponsorId: string | null): MemberRow => ({ id, sponsorId, joinDate: "2024-01-01", status: "enrolled" });

describe("buildGenealogy", () => {
  it("orders every member after its sponsor and records depths and children", () => {
    const { genealogy: g, issues } = buildGenealogy([row("C", "B"), row("A", null), row("B", "A"), row("D", "A")]);
    expect(issues).toEqual([]);
    if (g === undefined) throw new Error("no genealogy");
    const pos = new Map(Array.from(g.order, (m, j) => [m, j]));
    for (let i = 0; i < g.size; i++) {
      const p = g.parent[i] as number;
      if (p >= 0) expect(pos.get(p)).toBeLessThan(pos.get(i) as number);
    }
    expect(g.root).toBe(1);
    expect(Array.from(g.depth)).toEqual([2, 0, 1, 1]);
    const children = (i: number) => Array.from(g.childList.subarray(g.childStart[i], g.childStart[i + 1])).map((c) => g.ids.at(c));
    expect(children(1).sort()).toEqual(["B", "D"]);
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
