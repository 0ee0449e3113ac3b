// A plan folder of plans/ (plan.yaml, members.csv, orders.csv) as a chain test reads it: the plan, and one
// period's input from the files (the members who joined by its last day, the orders dated in it).
import { readFileSync } from "node:fs";
import { type MemberInput, type OrderInput, type Plan, parsePlan } from "../../src/index.js";

/** A period's input, as `calculate` takes it. */
export interface MonthInput {
  period: string;
  members: MemberInput[];
  orders: OrderInput[];
}

/** The plan of the folder holding `url` (a test's `import.meta.url`), and `month(period, lastDay)`. */
export function planFolder(url: string | URL): { plan: Plan; month: (period: string, last: string) => MonthInput } {
  const here = (f: string) => new URL(`./${f}`, url);
  const plan = parsePlan(readFileSync(here("plan.yaml"), "utf8"));
  const rows = (f: string) => {
    const [head, ...lines] = readFileSync(here(f), "utf8").trim().split("\n");
    const keys = (head as string).split(",");
    return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [keys[k] as string, v])));
  };
  const members = rows("members.csv");
  const orders = rows("orders.csv");
  const measures = Object.keys(plan.measures).filter((m) => orders[0]?.[m] !== undefined);
  const month = (period: string, last: string): MonthInput => ({
    period,
    members: members.filter((m) => (m.joinDate as string) <= last).map((m) => ({ id: m.id as string, sponsorId: m.sponsorId || null, joinDate: m.joinDate as string })),
    orders: orders
      .filter((o) => (o.date as string).startsWith(period))
      .map((o) => ({ id: o.id as string, memberId: o.memberId as string, kind: "personal-consumption" as const, date: o.date as string, volumes: Object.fromEntries(measures.map((m) => [m, o[m] as string])) })),
  });
  return { plan, month };
}
