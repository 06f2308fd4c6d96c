/**
 * What a stream may carry beyond plain lines. `live`: a terminal that can rewrite a line in place (not a pipe or file,
 * not TERM=dumb). `color`: such a terminal where colour is welcome (NO_COLOR unset or empty, no-color.org).
 */
export interface Terminal {
  live: boolean;
  color: boolean;
}

export function terminal(
  stream: { isTTY?: boolean } = process.stderr,
  env: Record<string, string | undefined> = process.env,
): Terminal {
  const live = stream.isTTY === true && env.TERM !== "dumb";
  return { live, color: live && !env.NO_COLOR };
}

/** The text in bold red where colour is welcome, as it is otherwise. */
export function alarm(text: string, where: Terminal): string {
  return where.color ? `\x1b[1;31m${text}\x1b[0m` : text;
}
