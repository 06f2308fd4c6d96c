import { startSandbox } from "datagouv-kit-sandbox";
import { buildSite } from "./build.ts";

/**
 * `npm run demo`: the embedded sandbox on a free loopback port, the dashboard site built against it into dist/, the
 * sandbox stopped. Nothing leaves the machine.
 */
const log = (line: string) => process.stderr.write(`demo: ${line}\n`);
const started = Date.now();
log("starting the sandbox (real public data; synthetic metrics)");
const sandbox = await startSandbox({ tabular: { bigRows: 200_000 }, apiKeys: ["demo-key-not-for-production"] });
process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
log(`sandbox listening on ${sandbox.url}`);
try {
  await buildSite((line) => log(line));
  log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(
    "\nThe site is in dist/. Look at it with:\n\n  npm run preview     # serves dist/ on http://127.0.0.1:3000\n\n",
  );
} catch (error) {
  log((error as Error).message);
  process.exitCode = 1;
} finally {
  await sandbox.close();
}
