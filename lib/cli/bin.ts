#!/usr/bin/env node
// The `datagouv` command. Each command's module loads only when it runs, so `--help` starts at once.
import { run } from "./run.ts";

// a reader that stopped reading (`datagouv … | head`) has all it wanted: that is not an error worth a stack trace
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

process.exitCode = await run(process.argv.slice(2));
