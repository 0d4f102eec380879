/**
 * A command's exit status carried in its own output. An exec's exit code is otherwise read with
 * an inspect call after its stream ends, and Podman removes ended exec sessions after its
 * `exit_command_delay` (10 s in our provisioning, 300 s by default): on a loaded host the stream's
 * end can reach the runner later than that, the inspect answers 404 and the step is lost (110 of
 * 128 instances in a 128-worker run on two cores). So the exec runs a small `bash -c` wrapper
 * that runs the real argv and then prints a line holding a nonce and the status; the runner
 * removes that line from the output. It also saves the inspect round trip per command.
 * @module
 */

/**
 * The wrapper's script: run the argv after the nonce, then print `\n<nonce> <status>\n`. Its own
 * stderr goes to /dev/null (bash would report a child killed by a signal, e.g. a timeout's KILL,
 * as "Killed" in the command's output); the argv gets the real stderr, and no extra descriptor.
 */
const WRAPPER =
  'n=$1; shift; exec 3>&2 2>/dev/null; "$@" 2>&3 3>&-; s=$?; printf \'\\n%s %d\\n\' "$n" "$s"; exit "$s"';

/** `argv` run by the wrapper, which prints its exit status after it with `nonce`. */
export function withExitMarker(argv: readonly string[], nonce: string): string[] {
  if (!/^[A-Za-z0-9_-]{8,}$/.test(nonce)) throw new Error(`bad exit-marker nonce: ${nonce}`);
  return ["bash", "-c", WRAPPER, "bash", nonce, ...argv];
}

/**
 * The output without the marker line and the status it carries; null when the output holds no
 * marker (the wrapper itself was killed, or the stream was cut). The last marker wins: one the
 * command printed itself can only come before the wrapper's.
 */
export function takeExitMarker(
  output: string,
  nonce: string,
): { output: string; status: number } | null {
  const head = `\n${nonce} `;
  const at = output.lastIndexOf(head);
  if (at < 0) return null;
  const end = output.indexOf("\n", at + head.length);
  const digits = output.slice(at + head.length, end < 0 ? undefined : end);
  if (!/^\d{1,3}$/.test(digits)) return null;
  const rest = end < 0 ? "" : output.slice(end + 1);
  return { output: output.slice(0, at) + rest, status: Number(digits) };
}
