// Building run inputs from a published case's tree.
import { readFileSync } from "node:fs";
import { type MemberInput, type OrderInput, type Plan, parsePlan } from "../../src/index.js";

export const PERIOD = "2026-10";

/** Loads a plan file relative to the calling test. */
export function loadPlan(url: URL): Plan {
  return parsePlan(readFileSync(url, "utf8"), { fileName: url.pathname });
}

/** One member per tree node, sponsored as published. */
export function membersOf(tree: { id: string; sponsor: string | null }[]): MemberInput[] {
  return tree.map((n) => ({ id: n.id, sponsorId: n.sponsor, joinDate: "2024-01-01" }));
}

/** One personal-consumption order per node with a non-zero volume, volumes given per measure. */
export function ordersOf(tree: { id: string }[], volumes: (node: never) => Record<string, number | undefined>): OrderInput[] {
  const out: OrderInput[] = [];
  for (const node of tree) {
    const v = Object.fromEntries(Object.entries(volumes(node as never)).filter(([, x]) => x !== undefined && x !== 0).map(([k, x]) => [k, String(x)]));
    if (Object.keys(v).length > 0) out.push({ id: `o-${node.id}`, memberId: node.id, kind: "personal-consumption", date: "2026-10-15", volumes: v });
  }
  return out;
}

/** The rows of a small plain CSV file (a plan's members.csv or orders.csv: no quoting), as records by column name. */
export function csvRows(url: URL): Record<string, string>[] {
  const [head, ...lines] = readFileSync(url, "utf8").trim().split("\n");
  const keys = (head as string).split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [keys[k] as string, v])));
}
