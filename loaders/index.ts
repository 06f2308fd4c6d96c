export type { PageContext } from "./context.ts";
export { emitBytes, emitJson, loaderClient, monthly, param } from "./run.ts";
export { dataset, organization, organizations, resource } from "./pages.ts";
export { explore, home } from "./overview.ts";
