import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's PostgreSQL 15, the engine behind production's PostgREST. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

export type PgAnswer = { json: string } | { code: string; message: string };

export interface Postgres {
  /** Each query's result as `json_agg` writes it, or its SQLSTATE, in one session. */
  json(queries: string[]): Promise<PgAnswer[]>;
  /** Feeds `text` to a `COPY … FROM STDIN` statement. */
  copy(sql: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway server on a Unix socket in a temporary folder, its text sorted by glibc's en_US.UTF-8 (the default of
 * the `postgres:15` image hydra runs). The locale is compiled into the folder (LOCPATH) so that a machine without it
 * generated still has it. PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user.
 */
export async function startPostgres(): Promise<Postgres> {
  if (!existsSync(join(PG_BIN, "initdb")))
    throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}): run .ci/setup.sh`);
  const dir = await mkdtemp(join(tmpdir(), "datagouv-pg-"));
  const data = join(dir, "data");
  const socket = join(dir, "socket");
  const locales = join(dir, "locales");
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]) =>
    asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  const env = { ...process.env, LOCPATH: locales, LC_ALL: "C.UTF-8" };
  let started = false;
  const stop = async () => {
    try {
      if (started) {
        const [command, args] = as(join(PG_BIN, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
        await run(command as string, args as string[], { env });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await mkdir(socket);
    await mkdir(locales);
    await run("localedef", ["-i", "en_US", "-f", "UTF-8", join(locales, "en_US.UTF-8")], { env }).catch(
      (error: { code?: number }) => {
        // localedef exits 1 on warnings, with the locale written
        if (!existsSync(join(locales, "en_US.UTF-8"))) throw error;
      },
    );
    if (asRoot) for (const path of [dir, socket, locales]) await chown(path, ...(await postgresUser()));
    const initdb = as(join(PG_BIN, "initdb"), [
      ...["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=en_US.UTF-8", "--no-sync"],
    ]);
    await run(initdb[0] as string, initdb[1] as string[], { env });
    const options = `-k ${socket} -c listen_addresses='' -c fsync=off -c full_page_writes=off`;
    const start = as(join(PG_BIN, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
    started = true;
    await run(start[0] as string, start[1] as string[], { env });
  } catch (error) {
    await stop();
    throw error;
  }
  const psql = (args: string[], input?: string) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        join(PG_BIN, "psql"),
        ["-X", "-q", "-A", "-t", "-h", socket, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", ...args],
        { env: { ...env, PGOPTIONS: "-c lc_messages=C" } },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
      child.stdin.end(input ?? "");
    });
  return {
    async json(queries) {
      // one line per query: an error is caught in the server, so that one session runs them all
      const run = `CREATE OR REPLACE FUNCTION pg_temp.answer(q text) RETURNS text LANGUAGE plpgsql AS $f$
        DECLARE result text;
        BEGIN
          EXECUTE 'SELECT coalesce(json_agg(r), ''[]'')::text FROM (' || q || ') r' INTO result;
          RETURN replace(result, E'\\n', '');
        EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE || ' ' || replace(SQLERRM, E'\\n', ' ');
        END $f$;\n`;
      const script = run + queries.map((sql) => `SELECT pg_temp.answer(${literal(sql)});\n`).join("");
      const { status, stdout, stderr } = await psql(["-f", "-"], script);
      const lines = stdout.split("\n").filter((line) => line !== "");
      if (status !== 0 || lines.length !== queries.length) throw new Error(`psql failed: ${stderr}`);
      return lines.map((line) => {
        const error = /^ERROR ([0-9A-Z]{5}) (.*)$/.exec(line);
        return error ? { code: error[1], message: error[2] } : { json: line };
      });
    },
    async copy(sql, text) {
      const { status, stderr } = await psql(["-c", sql], text);
      if (status !== 0) throw new Error(`COPY failed: ${stderr}`);
    },
    stop,
  };
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function postgresUser(): Promise<[number, number]> {
  const { stdout: uid } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return [Number(uid), Number(gid)];
}
