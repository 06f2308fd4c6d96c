import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** `datagouv mcp` as an assistant starts it: the compiled command in a process of its own, spoken to by the SDK. */
export interface McpSession {
  client: Client;
  /** The HTTP endpoint, for the HTTP transport. */
  url?: string;
  stderr(): string;
  close(): Promise<void>;
}

const BIN = "build/lib/cli/bin.js";

export async function overStdio(args: string[], env: Record<string, string>): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", ...args],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += chunk));
  const client = new Client({ name: "datagouv-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    async close() {
      await client.close();
    },
  };
}

export async function overHttp(args: string[], env: Record<string, string>): Promise<McpSession> {
  const child = spawn(process.execPath, [BIN, "mcp", "--http", "0", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(stderr);
      if (found) resolve(found[1]);
    });
    child.once("exit", (code) => reject(new Error(`datagouv mcp --http exited with ${code}: ${stderr}`)));
  });
  const client = new Client({ name: "datagouv-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    client,
    url,
    stderr: () => stderr,
    async close() {
      await client.close();
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A tool call, with a deadline long enough for exports of a million rows on a shared machine. */
export async function call(session: McpSession, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await session.client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as CallToolResult;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** The structured answer of a call that must succeed. */
export function dataOf<T = any>(result: CallToolResult): T {
  if (result.isError) throw new Error(`the tool answered an error: ${textOf(result)}`);
  return result.structuredContent as T;
}
