// A naive placement, written from docs/placement.md alone for the property tests of the placement
// helpers: one member at a time, each position searched from scratch (breadth-first from the sponsor, a
// walk down a leg, a leg weighed by visiting it). Quadratic, and obviously so; it shares no code with
// src/placement.
import type { MemberInput } from "../../src/index.js";

export interface NaiveOptions {
  readonly method: "spillover" | "extreme-left" | "extreme-right" | "weaker-leg";
  readonly width: number;
  readonly depth?: number;
  readonly whenFull?: "error" | "upline";
  /** weaker-leg by a measure: each member's volume (absent: 0); without it a leg weighs its members. */
  readonly volume?: ReadonlyMap<string, number>;
}

export interface NaiveResult {
  /** Member id → [placement parent id, leg], for every member but the root. */
  readonly placement: Map<string, [string, number]>;
  /** The new members placed, in the order they were placed. */
  readonly order: string[];
  /** The new members no matrix had room for. */
  readonly failed: string[];
}

export function naivePlace(members: readonly MemberInput[], o: NaiveOptions): NaiveResult {
  const sponsor = new Map<string, string | null>();
  for (const m of members) sponsor.set(m.id, m.sponsorId === undefined || m.sponsorId === "" ? null : m.sponsorId);
  const placement = new Map<string, [string, number]>();
  const children = new Map<string, Map<number, string>>();
  const put = (id: string, parent: string, leg: number) => {
    placement.set(id, [parent, leg]);
    if (!children.has(parent)) children.set(parent, new Map());
    children.get(parent)?.set(leg, id);
  };
  const legOf = (l: unknown) => (l === "L" ? 1 : l === "R" ? 2 : Number(l));
  const root = members.find((m) => sponsor.get(m.id) === null)?.id as string;
  const placed = new Set<string>([root]);
  for (const m of members) {
    if (m.placementId !== undefined && m.placementId !== null && m.placementId !== "") {
      put(m.id, m.placementId, legOf(m.leg));
      placed.add(m.id);
    }
  }
  const child = (u: string, leg: number) => children.get(u)?.get(leg);

  const bfs = (t: string): [string, number] | undefined => {
    const queue: [string, number][] = [[t, 0]];
    while (queue.length > 0) {
      const [u, d] = queue.shift() as [string, number];
      if (d >= (o.depth ?? Number.POSITIVE_INFINITY)) continue;
      for (let leg = 1; leg <= o.width; leg++) if (child(u, leg) === undefined) return [u, leg];
      for (let leg = 1; leg <= o.width; leg++) queue.push([child(u, leg) as string, d + 1]);
    }
    return undefined;
  };
  const extreme = (s: string, leg: number): [string, number] => {
    let u = s;
    for (let c = child(u, leg); c !== undefined; c = child(u, leg)) u = c;
    return [u, leg];
  };
  const weight = (u: string | undefined): number => {
    if (u === undefined) return 0;
    let sum = o.volume === undefined ? 1 : (o.volume.get(u) ?? 0);
    for (const c of children.get(u)?.values() ?? []) sum += weight(c);
    return sum;
  };
  const position = (s: string): [string, number] | undefined => {
    if (o.method === "extreme-left") return extreme(s, 1);
    if (o.method === "extreme-right") return extreme(s, 2);
    if (o.method === "weaker-leg") return extreme(s, weight(child(s, 2)) < weight(child(s, 1)) ? 2 : 1);
    for (let t: string | null | undefined = s; t !== null && t !== undefined; t = o.whenFull === "upline" ? sponsor.get(t) : null) {
      const at = bfs(t);
      if (at !== undefined) return at;
    }
    return undefined;
  };

  const order: string[] = [];
  const failed: string[] = [];
  // The order of docs/placement.md: by the latest (joinDate, id) of the member and its new sponsors up the
  // line, then by depth in the sponsor tree, then by the member's own (joinDate, id).
  const byId = new Map(members.map((x) => [x.id, x]));
  const later = (a: MemberInput, b: MemberInput) => a.joinDate > b.joinDate || (a.joinDate === b.joinDate && a.id > b.id);
  const effective = (x: MemberInput): MemberInput => {
    let e = x;
    for (let s = sponsor.get(x.id); s !== null && s !== undefined && !placed.has(s); s = sponsor.get(s)) {
      const m = byId.get(s) as MemberInput;
      if (later(m, e)) e = m;
    }
    return e;
  };
  const depth = (id: string): number => {
    let d = 0;
    for (let s = sponsor.get(id); s !== null && s !== undefined; s = sponsor.get(s)) d++;
    return d;
  };
  const compare = (a: MemberInput, b: MemberInput) => {
    const ea = effective(a);
    const eb = effective(b);
    if (ea !== eb) return later(ea, eb) ? 1 : -1;
    if (depth(a.id) !== depth(b.id)) return depth(a.id) - depth(b.id);
    return later(a, b) ? 1 : -1;
  };
  const fresh = members.filter((m) => !placed.has(m.id)).sort(compare);
  for (const next of fresh) {
    // Its sponsor could not be placed: neither can it (no issue of its own).
    if (!placed.has(sponsor.get(next.id) as string)) continue;
    const at = position(sponsor.get(next.id) as string);
    if (at === undefined) {
      failed.push(next.id);
      continue;
    }
    put(next.id, at[0], at[1]);
    placed.add(next.id);
    order.push(next.id);
  }
  return { placement, order, failed };
}
