import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { VERSION } from "../http/version.ts";
import { catalogReportTool } from "./catalog-tool.ts";
import type { McpContext } from "./context.ts";
import { DETAIL_TOOLS } from "./detail-tools.ts";
import { exportTabular } from "./export-tool.ts";
import { metricsTool } from "./metrics-tool.ts";
import { SEARCH_TOOLS } from "./search-tools.ts";
import { sqlResource } from "./sql-tool.ts";
import { TABULAR_TOOLS } from "./tabular-tools.ts";
import { registerTool, type AnyTool } from "./tool.ts";
import { WRITE_TOOLS } from "./write-tools.ts";

export const READ_TOOLS: AnyTool[] = [
  ...SEARCH_TOOLS,
  ...DETAIL_TOOLS,
  ...TABULAR_TOOLS,
  exportTabular,
  sqlResource,
  metricsTool,
  catalogReportTool,
];

export { WRITE_TOOLS };

const INSTRUCTIONS = `Tools over data.gouv.fr, the French open-data platform: its catalog (datasets, their resources, \
organizations, dataservices), the rows of its tabular resources, and its visits and downloads. A usual path: \
search_datasets, get_dataset or list_dataset_resources, get_resource_profile, then query_tabular for a page of rows, \
export_tabular for all of them into a file, or sql_resource for SQL the API cannot run. Answers are bounded; a note \
says when something was cut and how to get the rest.`;

/** The MCP server over one context: every read tool, and the writes when the context allows them. */
export function createMcpServer(context: McpContext): McpServer {
  const server = new McpServer(
    { name: "datagouv", title: "data.gouv.fr", version: VERSION },
    { instructions: INSTRUCTIONS, capabilities: { tools: {} } },
  );
  for (const tool of [...READ_TOOLS, ...(context.writes ? WRITE_TOOLS : [])]) registerTool(server, tool, context);
  return server;
}
