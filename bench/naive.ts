// A naive implementation for the benchmark's ratio: one object per member, decimal.js for every amount,
// no typed arrays, no scaled integers. It implements the same plan semantics (docs/plan-language.md) for
// the features the benchmark plan uses: measures with counted kinds, qualification by personal volume,
// ranks (personal, group with leg cap, legs holding a rank), unilevel by rank rows with dynamic or no
// compression, rank bonus, retail profit; rounding per line. Iterative, so deep genealogies work.
// The benchmark checks its per-bonus totals equal the engine's before timing counts.
import { Decimal } from "decimal.js";
import type { Plan } from "../src/index.js";

const D = Decimal.clone({ precision: 60 });
const MODE: Record<string, Decimal.Rounding> = { "half-up": 4, "half-even": 6, "half-down": 5, down: 1, up: 0 };

interface M {
  id: string;
  sponsor: M | null;
  children: M[];
  enrolled: boolean;
  byKind: Map<string, Map<string, Decimal>>;
  personal: Map<string, Decimal>;
  group: Map<string, Decimal>;
  qualified: boolean;
  rank: number;
  best: number;
}

export function naiveTotals(plan: Plan, members: { id: string; sponsorId?: string | null; status?: string }[], orders: { memberId: string; kind: string; volumes: Record<string, string> }[]): Record<string, string> {
  const byId = new Map<string, M>();
  for (const r of members) {
    byId.set(r.id, { id: r.id, sponsor: null, children: [], enrolled: (r.status ?? "enrolled") === "enrolled", byKind: new Map(), personal: new Map(), group: new Map(), qualified: false, rank: -1, best: -1 });
  }
  for (const r of members) {
    const m = byId.get(r.id) as M;
    if (r.sponsorId) {
      m.sponsor = byId.get(r.sponsorId) as M;
      m.sponsor.children.push(m);
    }
  }
  for (const o of orders) {
    const m = byId.get(o.memberId) as M;
    let kinds = m.byKind.get(o.kind);
    if (!kinds) m.byKind.set(o.kind, (kinds = new Map()));
    for (const [name, v] of Object.entries(o.volumes)) kinds.set(name, (kinds.get(name) ?? new D(0)).plus(v));
  }
  // Top-down order by breadth-first search, reversed for bottom-up passes.
  const root = [...byId.values()].find((m) => m.sponsor === null) as M;
  const order: M[] = [root];
  for (let i = 0; i < order.length; i++) order.push(...(order[i] as M).children);
  const measures = Object.entries(plan.measures);
  for (const m of order) {
    for (const [name, spec] of measures) {
      let p = new D(0);
      for (const kind of spec.counts ?? []) {  // the bench plans have no accumulated measures
        let v = m.byKind.get(kind)?.get(name) ?? new D(0);
        if (kind === "personal-consumption" && spec.personalConsumptionCap !== undefined) v = D.min(v, spec.personalConsumptionCap);
        p = p.plus(v);
      }
      m.personal.set(name, p);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const m = order[i] as M;
    for (const [name] of measures) m.group.set(name, m.children.reduce((a, c) => a.plus(c.group.get(name) as Decimal), m.personal.get(name) as Decimal));
  }
  const q = plan.qualification?.personal;
  for (const m of order) m.qualified = m.enrolled && (q === undefined || (m.personal.get(q.measure) as Decimal).gte(q.minimum));
  for (let i = order.length - 1; i >= 0; i--) {
    const m = order[i] as M;
    for (let r = plan.ranks.length - 1; r >= 0; r--) {
      const req = (plan.ranks[r] as Plan["ranks"][number]).requires;
      let ok = !req.qualified || m.qualified;
      if (ok && req.personal) ok = (m.personal.get(req.personal.measure) as Decimal).gte(req.personal.minimum);
      if (ok && req.group) {
        const g = req.group;
        let counted: Decimal;
        if (g.legCap === undefined) counted = m.group.get(g.measure) as Decimal;
        else {
          const cap = new D(g.legCap).times(g.minimum);
          counted = m.children.reduce((a, c) => a.plus(D.min(c.group.get(g.measure) as Decimal, cap)), m.personal.get(g.measure) as Decimal);
        }
        ok = counted.gte(g.minimum);
      }
      for (const leg of req.legs ?? []) {
        if (!ok) break;
        const idx = leg.rank === undefined ? -1 : plan.ranks.findIndex((x) => x.name === leg.rank);
        const n = m.children.filter((c) => (idx >= 0 ? c.best >= idx : (c.group.get(leg.measure as string) as Decimal).gte(leg.minimum as string))).length;
        ok = n >= leg.count;
      }
      if (ok) {
        m.rank = r;
        break;
      }
    }
    m.best = Math.max(m.rank, ...m.children.map((c) => c.best));
  }
  const scale = plan.money.scale;
  const mode = MODE[plan.money.rounding.mode] as Decimal.Rounding;
  const round = (x: Decimal) => x.toDecimalPlaces(scale, mode);
  const totals: Record<string, string> = {};
  for (const bonus of plan.bonuses) {
    let total = new D(0);
    if (bonus.kind === "unilevel") {
      const rows = bonus.schedule.map((row) => ({ rank: row.rank === undefined ? -1 : plan.ranks.findIndex((x) => x.name === row.rank), rates: row.rates }));
      const rowOf = (a: M) => {
        if (!a.qualified) return undefined;
        let best: (typeof rows)[number] | undefined;
        for (const row of rows) if (row.rank <= a.rank && (best === undefined || row.rank > best.rank)) best = row;
        return best;
      };
      // Lines are per recipient, level and compressed flag: sum the base, then round each line.
      const depth = Math.max(...rows.map((r) => r.rates.length));
      const lines = new Map<string, { base: Decimal; rate: string }>();
      for (const s of order) {
        const v = s.personal.get(bonus.measure) as Decimal;
        if (v.isZero() || (!s.qualified && !bonus.unqualifiedVolumePays)) continue;
        let k = 1;
        let distance = 1;
        for (let a = s.sponsor; a !== null && k <= depth; a = a.sponsor, distance++) {
          if (!a.qualified) {
            if (bonus.compression === "none") k++;
            continue;
          }
          const rate = rowOf(a)?.rates[k - 1];
          if (rate !== undefined && !new D(rate).isZero()) {
            const key = `${a.id}\u0000${k}\u0000${distance > k}`;
            const line = lines.get(key) ?? { base: new D(0), rate };
            line.base = line.base.plus(v);
            lines.set(key, line);
          }
          k++;
        }
      }
      for (const line of lines.values()) total = total.plus(round(line.base.times(line.rate)));
    } else if (bonus.kind === "rank-bonus") {
      for (const m of order) {
        const amount = m.rank >= 0 ? bonus.amounts[(plan.ranks[m.rank] as Plan["ranks"][number]).name] : undefined;
        if (amount !== undefined && (!bonus.requiresQualified || m.qualified)) total = total.plus(amount);
      }
    } else if (bonus.kind === "retail-profit") {
      for (const m of order) {
        const v = m.personal.get(bonus.measure) as Decimal;
        if (v.gt(0) && (!bonus.requiresQualified || m.qualified)) total = total.plus(round(v.times(bonus.rate)));
      }
    }
    totals[bonus.key] = total.toFixed(scale);
  }
  return totals;
}
