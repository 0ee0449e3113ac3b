/** Entry point of the `compplan` binary. */
import { runCli } from "./cli.js";

/**
 * Writes to a standard stream; once its reader has gone (`compplan … | head`, EPIPE), later writes are
 * dropped instead of failing the command: its files are written all the same, and its exit code stays.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") closed = true;
    else throw e;
  });
  return (text) => {
    if (closed) return;
    try {
      stream.write(text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") closed = true;
      else throw e;
    }
  };
}

const code = runCli(process.argv.slice(2), {
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  stderrIsTTY: process.stderr.isTTY === true,
});
process.exitCode = code;
