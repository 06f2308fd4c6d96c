export { createContext, type McpContext, type McpOptions } from "./context.ts";
export { createMcpServer, READ_TOOLS, WRITE_TOOLS } from "./server.ts";
export { serveHttp, type HttpServeOptions, type HttpServer } from "./http.ts";
export { summariseOpenApi, type OpenApiSummary } from "./openapi.ts";
export { LIMITS } from "./bounds.ts";
