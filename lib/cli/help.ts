import { EXIT } from "./exit.ts";
import type { CommandSpec, OptionSpec } from "./options.ts";

const WIDTH = 120;
/** Where an option's description starts in the help. */
const DESCRIPTION_COLUMN = 26;

/** Words joined into lines of at most `width` characters, every line after the first indented by `indent`. */
export function wrap(words: string[], width: number, indent: number, first = ""): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of words) {
    const blank = line.trim() === "";
    if (!blank && line.length + 1 + word.length > width) {
      lines.push(line);
      line = " ".repeat(indent) + word;
    } else line = blank ? line + word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

function optionToken(name: string, spec: OptionSpec, required: boolean): string {
  const written = spec.type === "string" ? `--${name} ${spec.value ?? "VALUE"}` : `--${name}`;
  return `${required ? written : `[${written}]`}${spec.multiple ? "..." : ""}`;
}

/** The usage lines, one a form, each option in the form `[--name VALUE]`, repeatable ones followed by `...`. */
export function usageLines(command: CommandSpec): string[] {
  return command.forms.flatMap((form, i) => {
    const lead = `${i === 0 ? "usage:" : "      "} datagouv ${command.name}`;
    const names = form.options ?? Object.keys(command.options);
    const tokens = names.map((name) =>
      optionToken(name, command.options[name], form.required?.includes(name) ?? false),
    );
    // an argument is kept whole (`<q>`, `report <formats|…>`) so that it never breaks across lines
    const words = [...(form.args ? [form.args] : []), ...tokens];
    return wrap(words, WIDTH, lead.length + 1, lead);
  });
}

function optionLines(name: string, spec: OptionSpec): string[] {
  const value = spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : "";
  const term = `  ${spec.short ? `-${spec.short}, ` : ""}--${name}${value}`;
  const words = spec.help.split(/\s+/);
  const lines =
    term.length + 2 <= DESCRIPTION_COLUMN
      ? wrap(words, WIDTH, DESCRIPTION_COLUMN, term.padEnd(DESCRIPTION_COLUMN - 1))
      : [term, ...wrap(words, WIDTH, DESCRIPTION_COLUMN, " ".repeat(DESCRIPTION_COLUMN))];
  return [...lines, ...(spec.details ?? [])];
}

/** `datagouv <command> --help`: usage, what it does, each option, then the epilog. */
export function helpText(command: CommandSpec): string {
  const options = Object.entries(command.options).flatMap(([name, spec]) => optionLines(name, spec));
  return [
    ...usageLines(command),
    "",
    command.about,
    ...(options.length ? ["", "Options:", ...options] : []),
    ...(command.epilog ? ["", command.epilog] : []),
  ].join("\n");
}

/** The column where a detail line under an option's description starts, for tables such as the operators'. */
export const DETAIL_COLUMN = DESCRIPTION_COLUMN + 2;

/** Prints the command's help on stdout: asked for, it is the command's output. */
export function printHelp(command: CommandSpec): number {
  process.stdout.write(`${helpText(command)}\n`);
  return EXIT.ok;
}
