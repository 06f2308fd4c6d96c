import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * Framework's client bundle names ~15 libraries as `npm:` imports that pages here never use (they import from
 * node_modules); it only resolves their versions, asking the npm registry unless its cache already lists one. Listing
 * them in the cache (a directory per name@version: installed versions where present) keeps the build off the network.
 */
const CLIENT_LIBRARIES: Record<string, string> = {
  "react-dom": "19.3.1",
  react: "19.3.1",
  lodash: "4.18.1",
  arquero: "8.0.3",
  echarts: "6.1.0",
  leaflet: "1.9.4",
  "mapbox-gl": "3.32.0",
  "topojson-client": "3.1.0",
  "@observablehq/sample-datasets": "1.0.1",
  "d3-dsv": "3.0.2",
  "parquet-wasm": "0.8.0",
  "apache-arrow": "21.2.0",
  d3: "7.9.2",
  "@observablehq/plot": "0.6.17",
  htl: "0.3.1",
};

/** Seeds the version cache of the Framework project at `root`, whose cache is `cache` (its src/.observablehq/cache). */
export async function seedNpmVersions(cache: string, root: string = process.cwd()): Promise<void> {
  const require = createRequire(join(root, "package.json"));
  for (const [name, fallback] of Object.entries(CLIENT_LIBRARIES)) {
    let version = fallback;
    try {
      version = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not installed: the pinned version stands in, as the module itself is never fetched
    }
    await mkdir(join(cache, "_npm", `${name}@${version}`), { recursive: true });
  }
}
