/**
 * What a build tells the page data about itself: the platform it comes from, whether that platform's metrics (the
 * sandbox's are) or its whole catalog (the sandbox's `--catalog`) are synthetic, and which organizations, datasets and
 * resources have pages of their own, so that a page links only to pages that exist.
 */
export interface PageContext {
  target: string;
  synthetic: boolean;
  syntheticCatalog: boolean;
  organizations: string[];
  datasets: string[];
  resources: string[];
}
