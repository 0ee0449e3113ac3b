import { describe, expect, it } from "vitest";
import { inputSummaries } from "../audit/bundle.js";
import { canonicalOrders } from "../audit/fingerprint.js";
import { genealogyMembers } from "../audit/canonical-rows.js";
import { buildGenealogy } from "../genealogy/genealogy.js";
import { numberOrdersByMember } from "./order-number.js";
import type { OrderColumns } from "./rows.js";
import { ORDER_KINDS } from "../plan/fields.js";

const members = ["R", "A", "B"].map((id, i) => ({ id, sponsorId: i === 0 ? null : "R", joinDate: "2024-01-01", status: "enrolled" as const }));
// Orders in input order, members scattered: o1 B, o2 A, o3 B, o4 R, o5 A.
const orderRows = [
  { id: "o3", member: "B", kind: 0, pv: 30 },
  { id: "o1", member: "A", kind: 1, pv: 10 },
  { id: "o5", member: "B", kind: 2, pv: 50 },
  { id: "o2", member: "R", kind: 0, pv: 20 },
  { id: "o4", member: "A", kind: 0, pv: 40 },
];

describe("numberOrdersByMember", () => {
  const g = buildGenealogy(members).genealogy;
  if (g === undefined) throw new Error("no genealogy");
  const cols: OrderColumns = {
    count: orderRows.length,
    ids: orderRows.map((o) => o.id),
    memberIds: orderRows.map((o) => o.member),
    kinds: Uint8Array.from(orderRows, (o) => o.kind),
    dates: orderRows.map((_, i) => `2026-10-0${i + 1}`),
    measures: ["PV"],
    volumes: [Float64Array.from(orderRows, (o) => o.pv)],
  };
  const member = Int32Array.from(orderRows, (o) => g.indexOf.get(o.member) as number);
  const numbered = numberOrdersByMember(cols, member, g.ids);

  it("groups the orders by member index, each member's in input order, every column alike", () => {
    const at = (i: number) => ({
      id: numbered.ids.at(i),
      member: numbered.memberIds.at(i),
      kind: ORDER_KINDS[numbered.kinds[i] as number],
      date: numbered.dates.at(i),
      pv: numbered.volumes[0]?.[i],
      index: numbered.member[i],
    });
    // Members are numbered top-down: R 0, A 1, B 2.
    expect(Array.from({ length: numbered.count }, (_, i) => at(i))).toEqual([
      { id: "o2", member: "R", kind: "personal-consumption", date: "2026-10-04", pv: 20, index: 0 },
      { id: "o1", member: "A", kind: "retail-sale", date: "2026-10-02", pv: 10, index: 1 },
      { id: "o4", member: "A", kind: "personal-consumption", date: "2026-10-05", pv: 40, index: 1 },
      { id: "o3", member: "B", kind: "personal-consumption", date: "2026-10-01", pv: 30, index: 2 },
      { id: "o5", member: "B", kind: "customer-order", date: "2026-10-03", pv: 50, index: 2 },
    ]);
    expect(Array.from(numbered.byRow?.row ?? [])).toEqual([3, 1, 4, 0, 2]);
  });

  it("leaves the canonical input rows (and so the fingerprints) as they were", () => {
    expect(inputSummaries(genealogyMembers(g), numbered)).toEqual(inputSummaries(genealogyMembers(g), cols));
    expect(canonicalOrders(numbered).map((o) => o.id)).toEqual(["o1", "o2", "o3", "o4", "o5"]);
    expect(canonicalOrders(numbered)).toEqual(canonicalOrders(cols));
  });

  it("keeps orders already in member order as they are", () => {
    const sorted = numberOrdersByMember(numbered, numbered.member, g.ids);
    expect(sorted.ids).toBe(numbered.ids);
    expect(sorted.byRow).toBe(numbered.byRow);
  });
});
