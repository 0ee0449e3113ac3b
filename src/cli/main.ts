/** Entry point of the `compplan` binary. */
import { runCli } from "./cli.js";

const code = runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
});
process.exitCode = code;
