#!/usr/bin/env node
// The `datagouv` command. Each command's module loads only when it runs, so `--help` starts at once.
import { run } from "./run.ts";

process.exitCode = await run(process.argv.slice(2));
