import { parseArgs } from "node:util";
import { UsageError } from "./exit.ts";
import { didYouMean } from "./suggest.ts";

/**
 * A command's options, written once: the table parses the command line, and the usage and the help are printed from
 * it, so that neither can leave out an option the other knows.
 */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string;
  /** The value's placeholder, as the usage and the help write it: FILE, N, col__op=value. */
  readonly value?: string;
  /** What it does, for the help (wrapped to its width). */
  readonly help: string;
  /** Lines printed as they are under the option's description (the operators under --where). */
  readonly details?: readonly string[];
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** One line of the usage: the words after the command's name, then the options that form takes. */
export interface UsageForm {
  readonly args?: string;
  /** By default, every option of the table, in its order. */
  readonly options?: readonly string[];
  /** Those of its options the form needs: written without brackets. */
  readonly required?: readonly string[];
}

export interface CommandSpec<O extends OptionTable = OptionTable> {
  readonly name: string;
  readonly forms: readonly UsageForm[];
  /** The paragraphs after the usage. */
  readonly about: string;
  readonly options: O;
  /** Whether words other than options are taken (by default, they are). */
  readonly positionals?: boolean;
  /** Former spellings, refused with a message naming the new one. */
  readonly renamed?: Readonly<Record<string, { to: string; why: string }>>;
  /** Text after the options: examples, a file's shape. */
  readonly epilog?: string;
}

/** Options every command takes, besides its own; the top-level help names them once. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h", help: "print the command's help" },
  debug: { type: "boolean", help: "print the stack of an unexpected error" },
} as const satisfies OptionTable;

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean
  : S["multiple"] extends true
    ? string[]
    : string;
export type Values<O extends OptionTable> = {
  -readonly [K in keyof O]: O[K] extends { default: string } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

export interface Parsed<O extends OptionTable> {
  values: Values<O>;
  positionals: string[];
  help: boolean;
}

const flag = (name: string) => `--${name}`;

/** Reads `argv` by the command's table; a mistake is a usage error saying what to write instead. */
export function parse<O extends OptionTable>(command: CommandSpec<O>, argv: string[]): Parsed<O> {
  const table: OptionTable = { ...command.options, ...COMMON_OPTIONS };
  const config = Object.fromEntries(
    Object.entries(table).map(([name, spec]) => [
      name,
      spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
    ]),
  );
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (command.positionals === false)
        throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}: ${command.name} takes only options`);
      positionals.push(token.value);
      continue;
    }
    const spec = table[token.name];
    if (!spec) throw unknownOption(command, token.rawName, token.name, Object.keys(table));
    const written = flag(token.name);
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${written} takes no value (remove "=${token.value}")`);
      values[token.name] = true;
      continue;
    }
    const placeholder = spec.value ?? "VALUE";
    if (token.value === undefined) throw new UsageError(`${written} needs a value: ${written} ${placeholder}`);
    if (!token.inlineValue && /^-[^\d]/.test(token.value))
      throw new UsageError(
        `${written} needs a value (${placeholder}), not the option ${JSON.stringify(token.value)}; if it is the value, write ${written}=${token.value}`,
      );
    if (spec.multiple) values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), token.value];
    else if (token.name in values) throw new UsageError(`${written} is given twice: it takes one ${placeholder}`);
    else values[token.name] = token.value;
  }
  for (const [name, spec] of Object.entries(table))
    if (!(name in values) && spec.default !== undefined) values[name] = spec.default;
  return { values: values as Values<O>, positionals, help: values.help === true };
}

function unknownOption(command: CommandSpec, raw: string, name: string, known: string[]): UsageError {
  const renamed = command.renamed?.[name];
  if (renamed)
    return new UsageError(`${flag(name)} is now ${flag(renamed.to)} in datagouv ${command.name}: ${renamed.why}`);
  const like = raw.startsWith("--") ? didYouMean(name, known, flag) : "";
  return new UsageError(`unknown option ${raw} for datagouv ${command.name}${like}`);
}

export function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} takes a positive whole number, not ${JSON.stringify(text)}`);
  return n;
}
