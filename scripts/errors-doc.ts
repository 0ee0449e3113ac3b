// Generates docs/errors.md from ISSUE_CODES and the malformed-input fixtures: each example is what the
// engine really reports for that fixture. `npm run docs:errors` writes it; a test checks it is current.
import { writeFileSync } from "node:fs";
import { ISSUE_CODES, type IssueCode, formatIssue } from "../src/index.js";
import { CASES, issuesOf } from "../test/fixtures/malformed.js";

const GROUPS: [string, string, (code: string) => boolean][] = [
  ["Plan files", "Reported by `parsePlan`, `safeParsePlan` and `compplan validate`.", (c) => c.startsWith("PLAN_")],
  ["Period", "Reported by `calculate` and `compplan run`.", (c) => c.startsWith("PERIOD_")],
  [
    "Input files and records",
    "Reported by the file readers (`compplan run`) and by `calculate` for API arrays. Files are UTF-8, and ids are compared exactly as written: no byte is ever replaced and no Unicode normalisation is applied, so an id written in NFC and the same name written in NFD are two different ids.",
    (c) => c.startsWith("INPUT_"),
  ],
  ["Members and the sponsor tree", "Reported by `calculate` and `compplan run`; nothing is computed while any remains.", (c) => c.startsWith("MEMBER_")],
  [
    "Members and the placement tree",
    "Reported by `calculate` and `compplan run` for an input with a placement tree (some member has a `placementId`; see the plan language, \"The two trees\"); `PLACEMENT_TOO_WIDE` and `PLACEMENT_NO_TREE` when a plan that declares `placement` is run on it. Nothing is computed while any remains. The placement helpers (`placeMembers`, `compplan place`; see [placement](placement.md)) report the same codes for the placement a members file gives, `PLACEMENT_PARENT_UNPLACED` for a member placed under a new one, and `PLACEMENT_MATRIX_FULL` for a new member without room; nothing is written while any remains.",
    (c) => c.startsWith("PLACEMENT_"),
  ],
  ["Orders", "Reported by `calculate` and `compplan run`.", (c) => c.startsWith("ORDER_")],
  [
    "State between periods",
    "Reported by `parseState` / `safeParseState` (the file's form) and by `calculate` and `compplan run --state` (the state against the plan, period and members; see [docs/state.md](state.md)). Nothing is computed while any remains.",
    (c) => c.startsWith("STATE_"),
  ],
  ["Run limits", "Reported by `calculate` when exact computation is not possible.", (c) => c.startsWith("RUN_")],
  ["Plan changes and comparisons", "Reported by `parseChangeSet`, `applyChangeSet`, `simulate`, `sweep` and `compplan diff` / `compplan sweep`. A change that makes the plan invalid is reported with the `PLAN_*` codes above, at paths into the changed plan.", (c) => c.startsWith("CHANGE_") || c.startsWith("SIMULATE_")],
  ["Audit: bundles, replay and explain", "Reported by `parseBundle`, `createBundle`, `replay`, `explain` and `compplan replay` / `compplan explain`. A difference found by replay is not an issue: it is reported in the replay report (exit code 4).", (c) => c.startsWith("AUDIT_")],
];

/** The text of docs/errors.md. */
export function errorsDoc(): string {
  const out: string[] = [
    "# Error codes",
    "",
    "Every problem with a plan or an input is reported as an issue: a stable `code`, a `path` to the offending",
    "place, a message, and the offending `value` where there is one (file inputs add `file` and `line`; plan and",
    "change-set text adds the `line` and `column` of the offending key or value). Codes are a public contract:",
    "they do not change meaning between versions. Messages may be reworded.",
    "",
    "Messages about names guide: an unknown key, measure, rank, bonus key or kind names the closest valid one",
    "(\"did you mean …?\") and lists the valid ones (the first dozen, then \"and N more\").",
    "",
    "Values are echoed at a readable length. In messages and in `formatIssue`, a value or quoted name longer",
    "than 100 characters is cut with `…` and its full size noted (`\"M0000…\" (10,000,000 characters)`,",
    "`[\"0.01\",…] (100,000 elements)`), and nesting deeper than 8 levels shows as `…`. The `value` field keeps",
    "the offending value exactly when it is plain JSON data (strings of any length, numbers, booleans, null, and",
    "arrays and objects of them nested at most 64 deep), so programs can match on it; any other value (a BigInt,",
    "a circular or deeper structure, a function) is replaced by its cut text, so an issue can always be printed",
    "and serialised with `JSON.stringify`. A library function called with a missing or wrongly typed argument",
    "reports `INPUT_INVALID_ARGUMENT` (its throwing form throws a `CompplanError`), never a `TypeError`.",
    "",
    "`__proto__` is never a valid name or key (names start with a letter or a digit); where it appears, even as",
    "a key of a mapping such as `amounts` or `measures`, it is reported, never dropped. Names such as",
    "`constructor` or `toString` are ordinary names.",
    "",
    "The throwing forms (`parsePlan`, `calculate`) throw a `CompplanError` whose `issues` holds the same list.",
    "An `InvariantError` is different: it means compplan itself has a bug, never that the input is wrong.",
    "",
    "`compplan` prints issues on stderr, one a line (at most 200, then `… and N more`), and exits 1. With",
    "`--json` (run, validate, replay, explain, diff, sweep) stderr holds instead exactly one JSON document listing",
    "every issue, one a line, each with the fields of `Issue` (`code`, `path` as an array, `message`, then",
    "`value`, `file` and `line` where there are some): `{ \"issues\": [ {\"code\":\"PLAN_DECIMAL_FORMAT\", ...} ] }`.",
    "",
    "Each example below is the real output, formatted as `compplan` prints it, of the fixture for that code in",
    "`test/fixtures/malformed.ts` (generated by `npm run docs:errors`; a test fails when this page is stale).",
    "",
  ];
  for (const [title, note, match] of GROUPS) {
    out.push(`## ${title}`, "", note, "");
    for (const code of Object.keys(ISSUE_CODES).filter(match)) {
      const c = CASES.find((x) => x.code === code);
      const hit = c === undefined ? undefined : issuesOf(c).find((i) => i.code === code);
      out.push(`### \`${code}\``, "", ISSUE_CODES[code as IssueCode], "");
      if (hit !== undefined) out.push("```text", formatIssue(hit), "```", "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

if (process.argv[1]?.endsWith("errors-doc.ts")) {
  writeFileSync("docs/errors.md", errorsDoc());
  process.stdout.write("wrote docs/errors.md\n");
}
