// `npm start`: the main job on a bundled example. Generates a seeded genealogy of 10,000 members with a
// month of orders, then runs the starter plan over it exactly as `compplan run` would.
import { runCli } from "../src/cli/cli.js";

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
};
const steps: string[][] = [
  ["generate", "--members", "10000", "--seed", "42", "--period", "2026-10", "--out", "out/example"],
  [
    "run",
    "--plan", "plans/starter-unilevel/plan.yaml",
    "--members", "out/example/members.csv",
    "--orders", "out/example/orders.csv",
    "--period", "2026-10",
    "--out", "out",
  ],
];
for (const args of steps) {
  process.stdout.write(`$ compplan ${args.join(" ")}\n`);
  const code = runCli(args, io);
  if (code !== 0) process.exit(code);
  process.stdout.write("\n");
}
