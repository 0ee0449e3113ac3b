// `npm start`: the main job on a bundled example. Generates a seeded genealogy of 10,000 members with a
// month of orders into out/example, then runs the starter plan over it exactly as `compplan run` would,
// into the run folder out/run.
import { runCli } from "../src/cli/cli.js";
import { startSteps } from "./start-steps.js";

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
};
for (const args of startSteps("out")) {
  process.stdout.write(`$ compplan ${args.join(" ")}\n`);
  const code = runCli(args, io);
  if (code !== 0) process.exit(code);
  process.stdout.write("\n");
}
