export { DISPLAY, displayable, escapeHtml, isRich, type MimeBundle, type Rich, type RichBundle } from "./mime.ts";
export { rich, isDataset, isOrganization, isProfile, isResource, monthlyMeasures } from "./rich.ts";
export { show } from "./show.ts";
export { table, schemaType, type DuckDBReaderLike, type TableOptions } from "./table.ts";
export { datasetCard, organizationCard, profileView, resourceCard } from "./cards.ts";
export { barChart, monthlyChart, monthlyTotals, type ChartOptions, type MonthRowLike } from "./chart.ts";
