/**
 * What a page's loader is told about the build: whether the platform's metrics are synthetic (the sandbox's are), and
 * which organizations, datasets and resources have pages of their own, so that a page links only to pages that exist.
 */
export interface PageContext {
  synthetic: boolean;
  organizations: string[];
  datasets: string[];
  resources: string[];
}
