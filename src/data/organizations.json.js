import { emitFile } from "datagouv-kit/loaders";

// prepared by the site's build (site/build.ts) from the catalog database, with every other page's data
await emitFile(new URL("../.observablehq/cache/pages/data/organizations.json", import.meta.url));
