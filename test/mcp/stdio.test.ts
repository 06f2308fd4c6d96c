import { overStdio } from "./connect.ts";
import { toolSuite } from "./suite.ts";

// `datagouv mcp` started as a desktop assistant starts it: a subprocess spoken to over its stdin and stdout
toolSuite("stdio", overStdio);
