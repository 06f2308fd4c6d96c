export { DISPLAY, escapeHtml, rich, show, type MimeBundle, type Rich } from "./mime.ts";
export { table, type TableOptions } from "./table.ts";
export { datasetCard, organizationCard, profileView, resourceCard } from "./cards.ts";
export { barChart, monthlyChart, type MonthSeries } from "./chart.ts";
