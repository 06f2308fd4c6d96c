#!/usr/bin/env node
// The `datagouv` command: loads the TypeScript sources through tsx, then runs the command line.
import { register } from "tsx/esm/api";

register();
const { run } = await import("./cli.ts");
process.exitCode = await run(process.argv.slice(2));
