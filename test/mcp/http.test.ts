import { overHttp } from "./connect.ts";
import { toolSuite } from "./suite.ts";

// the same tools over the Streamable HTTP transport of `datagouv mcp --http 0`
toolSuite("http", overHttp);
