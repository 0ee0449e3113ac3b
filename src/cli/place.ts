/**
 * `compplan place`: assigns placement to the members of a members file that have none (the placement
 * helpers of docs/placement.md) and writes the members file a run reads, with placementId and leg filled in.
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { CompplanError } from "../errors/issues.js";
import { readTextOrThrow } from "../input/files.js";
import { detectFormat, readRecords } from "../input/read.js";
import { groupDigits } from "../money/decimal.js";
import { readMembersCsvFast } from "../input/fast-csv.js";
import { ANY_DAY, PLACEMENT_METHODS, type PlaceOptions, type Placement, type PlacementMethod, eachPlacedMember, placeInput, placeTree } from "../placement/place.js";
import { PLACEMENT_WIDTH_MAX } from "../plan/fields.js";
import { type CliIO, Progress } from "./cli.js";
import { writeText } from "./file-writer.js";
import { UsageError, ignoreColumnsOf, parseFlags, required } from "./flags.js";
import { removeStaleTempFiles } from "./run-folder.js";

/** The usage of `compplan place`. */
export const PLACE_USAGE = `  compplan place --members FILE --out FILE [--method spillover|extreme-left|extreme-right|weaker-leg]
               [--width W] [--depth D] [--when-full error|upline] [--measure M --orders FILE]
               [--ignore-columns A,B] [--force] [--json]
      Places every member of FILE without a placementId (the new members; not the root) under its sponsor,
      keeps the placement FILE gives the others, and writes all members with placementId and leg, in id
      order, to the --out file (CSV, JSON or NDJSON by its extension): a members file compplan run reads.
      New members are placed earliest joinDate first, then by id, a sponsor before its recruits. Methods:
      spillover (the default; --width 2 to ${PLACEMENT_WIDTH_MAX} required): the first free position under the sponsor,
        shallowest first, then leftmost. --depth D: at most D levels below the sponsor; a full matrix is an
        issue (PLACEMENT_MATRIX_FULL), or with --when-full upline goes to the first member up the sponsor
        line whose matrix has room.
      extreme-left, extreme-right (binary): at the bottom of the sponsor's outside left (right) leg.
      weaker-leg (binary): on the sponsor's side with fewer members, or with --measure M --orders FILE
        less of M over the orders of its members; left on a tie; at the bottom of that side's outside leg.
      An existing --out file is replaced only with --force, and only once the new one is complete.
      See docs/placement.md.
`;

/**
 * A CSV field, quoted (RFC 4180, quotes doubled) when it holds a comma, a quote or a line break, or
 * begins or ends with white space (which the reader drops around an unquoted field).
 */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Members between two pieces handed to the writer. */
const CHUNK = 4096;

/** `compplan place …`: exit 0 with the file written, 1 for input issues, 2 for wrong usage. */
export function cmdPlace(args: readonly string[], io: CliIO): number {
  const flags = parseFlags(args, ["members", "out", "method", "width", "depth", "when-full", "measure", "orders", "ignore-columns"], ["force", "json"]);
  const membersPath = required(flags, "members");
  const out = required(flags, "out");
  const method = (flags.method ?? "spillover") as PlacementMethod;
  if (!PLACEMENT_METHODS.includes(method)) throw new UsageError(`--method is one of ${PLACEMENT_METHODS.join(", ")}`);
  const binary = method !== "spillover";
  const whole = (name: string, lo: number, hi: number, what: string): number | undefined => {
    const v = flags[name];
    if (v === undefined) return undefined;
    const n = typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
    if (!(n >= lo && n <= hi)) throw new UsageError(`--${name} is a whole number from ${lo} to ${groupDigits(String(hi))} (${what})`);
    return n;
  };
  const width = whole("width", 2, PLACEMENT_WIDTH_MAX, "the positions under each member");
  if (width === undefined && !binary) throw new UsageError("--width is required for spillover (the matrix width, 2 to 1000)");
  if (binary && width !== undefined && width !== 2) throw new UsageError(`--method ${method} places in a binary tree: --width is 2 (or left out)`);
  const depth = whole("depth", 1, 1_000_000, "levels below the sponsor");
  if (binary && depth !== undefined) throw new UsageError("--depth is for spillover only (a binary leg has no depth limit)");
  const whenFull = flags["when-full"];
  if (whenFull !== undefined && whenFull !== "error" && whenFull !== "upline") throw new UsageError("--when-full is error or upline");
  if (whenFull !== undefined && depth === undefined) throw new UsageError("--when-full needs --depth (a matrix without a depth is never full)");
  const measure = flags.measure;
  const ordersPath = flags.orders;
  if ((measure !== undefined || ordersPath !== undefined) && method !== "weaker-leg") throw new UsageError("--measure and --orders are for --method weaker-leg only");
  if ((measure === undefined) !== (ordersPath === undefined)) throw new UsageError("--measure and --orders go together: the legs are weighed by the measure's volume in the orders");
  for (const [input, path] of [["members", membersPath], ["orders", ordersPath]] as const) {
    if (typeof path === "string" && resolve(path) === resolve(out)) throw new UsageError(`--out is the ${input} file: write to another file (the input is left as it was)`);
  }
  if (existsSync(out) && flags.force !== true) throw new UsageError(`${out} exists: give --force to replace it`);
  const ignore = ignoreColumnsOf(flags).ignoreColumns ?? [];

  const progress = new Progress(io);
  let orders: ReturnType<typeof readRecords> | undefined;
  if (typeof ordersPath === "string") {
    progress.phase("read orders");
    // Every column but the order fields is a measure here: only --measure is read, the others are checked.
    orders = readRecords(readTextOrThrow(ordersPath, "orders"), { file: ordersPath, kind: "orders", ignoreColumns: ignore });
  }
  const orderIssues = orders?.issues ?? [];
  const options: PlaceOptions = {
    method,
    ...(width !== undefined ? { width } : {}),
    ...(depth !== undefined ? { depth } : {}),
    ...(whenFull !== undefined ? { whenFull: whenFull as "error" | "upline" } : {}),
    ...(typeof measure === "string" && orders !== undefined ? { measure, orders: orders.records as never } : {}),
    onPhase: (p) => progress.phase(p === "place" ? "place new members" : p),
    onProgress: (done, total) => progress.count(`${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} new members`),
  };
  // A plain CSV members file without placement columns (every member new) goes the fast way: no object
  // per member. Anything else, and any issue, goes the general way, which says where each issue is.
  progress.phase("read members");
  let placed: Placement | undefined;
  const fast = orderIssues.length === 0 ? readMembersCsvFast(membersPath, ANY_DAY, { ignoreColumns: ignore }) : undefined;
  if (fast !== undefined) {
    const r = placeTree(fast, undefined, options, orders?.origins);
    if (r.ok) placed = r.value;
    else progress.phase("read members");
  }
  if (placed === undefined) {
    const members = readRecords(readTextOrThrow(membersPath, "members"), { file: membersPath, kind: "members", ignoreColumns: ignore });
    const readIssues = members.issues.concat(orderIssues);
    if (readIssues.length > 0) throw new CompplanError(readIssues);
    const r = placeInput(members.records, options, members.origins, orders?.origins);
    if (!r.ok) throw new CompplanError(r.issues);
    placed = r.value;
  }

  progress.phase("write");
  for (const note of removeStaleTempFiles(dirname(out), [basename(out)])) io.stderr(`compplan: ${note}\n`);
  // Written under a temporary name and renamed into place once complete: a stopped or failed write
  // leaves the earlier file (or none), never half a file.
  const tmp = `${out}.compplan-tmp-${process.pid}`;
  try {
    writeText(tmp, memberPieces(placed, detectFormat(out, "")));
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  progress.done();
  const count = (n: number) => n.toLocaleString("en-US");
  const how = method === "spillover" ? `spillover, ${placed.width} wide${depth !== undefined ? `, depth ${depth}${whenFull === "upline" ? ", full matrices to the upline" : ""}` : ""}` : method === "weaker-leg" && typeof measure === "string" ? `weaker-leg by ${measure}` : method;
  const size = placed.genealogy.size;
  io.stdout(`wrote ${out}: ${count(size)} members, ${count(size - placed.placed.length)} kept as placed, ${count(placed.placed.length)} placed (${how})\n`);
  return 0;
}

/** The members as the text of a members file of `format`, in id order, in pieces. */
function* memberPieces(p: Placement, format: "csv" | "json" | "ndjson"): Generator<string> {
  if (format === "csv") yield "id,sponsorId,joinDate,status,rank,placementId,leg\n";
  else if (format === "json") yield "[\n";
  let piece = "";
  let i = 0;
  for (const m of eachPlacedMember(p)) {
    if (format === "csv") {
      piece += `${csvField(m.id)},${csvField(m.sponsorId ?? "")},${m.joinDate},${m.status},${csvField(m.rank ?? "")},${csvField(m.placementId ?? "")},${m.leg ?? ""}\n`;
    } else {
      const record = JSON.stringify(m);
      piece += format === "json" ? `${i === 0 ? "" : ",\n"}${record}` : `${record}\n`;
    }
    if (++i % CHUNK === 0) {
      yield piece;
      piece = "";
    }
  }
  yield piece;
  if (format === "json") yield "\n]\n";
}
