/**
 * Seeded synthetic genealogies and a period of orders (a month, an ISO week or a date range), for examples and benchmarks. The same seed gives the
 * same files. Shapes: `realistic` (most members sponsor nobody, a few sponsor hundreds, depth in the
 * hundreds, a share of inactive members), `chain`, `star`, `balanced`.
 */
import { type Period, addDays } from "../run/period.js";

/** A genealogy shape. */
export type Shape = "realistic" | "chain" | "star" | "balanced";
/** The shapes the generator knows. */
export const SHAPES: readonly Shape[] = ["realistic", "chain", "star", "balanced"];

/** Options for {@link generateData}. */
export interface GenerateOptions {
  readonly members: number;
  readonly seed: number;
  readonly period: Period;
  readonly shape?: Shape;
  /** Called every 100,000 members with the count done. */
  readonly onProgress?: (done: number) => void;
}

/** Receives CSV text in chunks: one sink for members, one for orders. */
export interface CsvSinks {
  members(chunk: string): void;
  orders(chunk: string): void;
}

/** The measures generated orders carry: PV, CV (0.8 × PV) and RETAIL (the retail margin of retail sales). */
export const GENERATED_MEASURES = ["PV", "CV", "RETAIL"] as const;

/** A small, fast, seeded PRNG (mulberry32): deterministic across platforms. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Member ids: M0000001 … (fixed width keeps id order equal to creation order). */
export function memberId(i: number, width: number): string {
  return `M${String(i).padStart(width, "0")}`;
}

/**
 * Writes members.csv and orders.csv content for a seeded genealogy to the sinks, in chunks.
 *
 * @returns the number of members and orders written
 */
export function generateData(options: GenerateOptions, sinks: CsvSinks): { members: number; orders: number } {
  const n = options.members;
  const rand = prng(options.seed);
  const shape = options.shape ?? "realistic";
  const width = Math.max(7, String(n).length);
  const sponsor = new Int32Array(n).fill(-1);
  const tree = new TreeGrowth(n, rand);
  for (let i = 1; i < n; i++) sponsor[i] = shape === "realistic" ? tree.next(i) : pickSponsor(shape, i);
  // Join dates count back from the period's first month; order dates fall on the period's days.
  const py = Number(options.period.start.slice(0, 4));
  const pm = Number(options.period.start.slice(5, 7));
  const days = options.period.days;
  const dates = Array.from({ length: days }, (_, d) => addDays(options.period.start, d));
  let memberChunk = "id,sponsorId,joinDate,status\n";
  let orderChunk = `id,memberId,kind,date,${GENERATED_MEASURES.join(",")}\n`;
  let orders = 0;
  const flush = (force: boolean) => {
    if (force || memberChunk.length > 1 << 20) {
      sinks.members(memberChunk);
      memberChunk = "";
    }
    if (force || orderChunk.length > 1 << 20) {
      sinks.orders(orderChunk);
      orderChunk = "";
    }
  };
  for (let i = 0; i < n; i++) {
    // Join dates spread over the three years before the period; the root joined first.
    const monthsBack = i === 0 ? 36 : Math.floor((1 - i / n) * 36 * rand());
    const jm = py * 12 + (pm - 1) - monthsBack;
    const joined = `${Math.floor(jm / 12)}-${String((jm % 12) + 1).padStart(2, "0")}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`;
    // In a week or a short range the drawn day may fall after the period: such a member joined on its first day.
    const joinDate = joined > options.period.end ? options.period.start : joined;
    const u = rand();
    const status = i === 0 ? "enrolled" : u < 0.02 ? "terminated" : u < 0.03 ? "suspended" : "enrolled";
    const id = memberId(i, width);
    memberChunk += `${id},${i === 0 ? "" : memberId(sponsor[i] as number, width)},${joinDate},${status}\n`;
    // About a quarter of members order nothing this month; the rest place 1 to 3 orders: 1.5 on average.
    const r = rand();
    const count = r < 0.25 ? 0 : r < 0.5 ? 1 : r < 0.75 ? 2 : 3;
    for (let k = 0; k < count; k++) {
      const kr = rand();
      const kind = kr < 0.6 ? "personal-consumption" : kr < 0.8 ? "retail-sale" : "customer-order";
      const pv = PV_CHOICES[Math.floor(rand() * PV_CHOICES.length)] as number;
      const cv = (pv * 8) / 10;
      const retail = kind === "retail-sale" ? (pv * 25) / 100 : 0;
      const date = dates[Math.floor(rand() * days)] as string;
      orders++;
      orderChunk += `O${orders},${id},${kind},${date},${pv},${cv},${retail}\n`;
    }
    if ((i + 1) % 100_000 === 0) {
      flush(false);
      options.onProgress?.(i + 1);
    }
  }
  flush(true);
  return { members: n, orders };
}

const PV_CHOICES = [25, 50, 50, 75, 100, 100, 100, 120, 150, 200];

/**
 * The realistic shape: recruiting happens mostly at the growing edge, among the newest members, and only
 * about a third of members ever recruit (so most sponsor nobody and lines run hundreds deep); one member in
 * a thousand is a leader who keeps recruiting for the whole period (a few sponsor hundreds or thousands);
 * the rest are recruited by anyone. At 10^6 members: depth up to about 270, about 68% sponsor nobody,
 * about 130 members sponsor 100 or more.
 */
class TreeGrowth {
  private readonly recruiter: Uint8Array;
  private readonly leaders: number[] = [0];

  constructor(
    n: number,
    private readonly rand: () => number,
  ) {
    this.recruiter = new Uint8Array(n);
    this.recruiter[0] = 1;
  }

  next(i: number): number {
    const rand = this.rand;
    const u = rand();
    let s = 0;
    if (u < 0.94) {
      // A recent recruiter: up to 8 tries among the last 40 members, else the previous member's sponsor.
      s = -1;
      for (let t = 0; t < 8 && s < 0; t++) {
        const c = Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 40)));
        if (this.recruiter[c] === 1) s = c;
      }
      if (s < 0) s = i > 1 ? this.sponsorOfPrevious : 0;
    } else if (u < 0.99) {
      const r = rand();
      s = this.leaders[Math.floor(r * r * this.leaders.length)] as number;
    } else s = Math.floor(rand() * i);
    this.recruiter[i] = rand() < 0.33 ? 1 : 0;
    if (rand() < 0.001) {
      this.leaders.push(i);
      this.recruiter[i] = 1;
    }
    this.sponsorOfPrevious = s;
    return s;
  }

  private sponsorOfPrevious = 0;
}

function pickSponsor(shape: Exclude<Shape, "realistic">, i: number): number {
  switch (shape) {
    case "chain":
      return i - 1;
    case "star":
      return 0;
    case "balanced":
      return Math.floor((i - 1) / 4);
  }
}
