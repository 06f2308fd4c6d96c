import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DataGouvError, QueryError } from "../http/errors.ts";
import { boundText } from "./bounds.ts";
import type { McpContext } from "./context.ts";

/** What a tool answers: the structured value its output schema describes, and a short text for the conversation. */
export interface ToolAnswer<O> {
  data: O;
  text: string;
}

/** Handed to every tool call: the server's context and a signal that fires at the call's deadline or cancellation. */
export interface ToolCall {
  context: McpContext;
  signal: AbortSignal;
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /** Exports, local SQL and catalog builds get the long deadline; everything else the short one. */
  long?: boolean;
  /** Writes change the platform; every other tool only reads. */
  writes?: boolean;
  /** A write that replaces what was there (an update, a new version of a file). */
  destructive?: boolean;
  run(args: z.output<I>, call: ToolCall): Promise<ToolAnswer<z.input<O>>>;
}

/** The spec, typed: `defineTool({...})` checks the handler against its schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): ToolSpec<I, O> {
  return spec;
}

/** The registry holds tools of every shape. */
export type AnyTool = ToolSpec<any, any>;

/** A refusal of the tool itself (a path outside the output folder, a statement that is not a SELECT). */
export class ToolRefusal extends Error {
  override readonly name = "ToolRefusal";
}

export function registerTool(server: McpServer, tool: AnyTool, context: McpContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: {
        title: tool.title,
        readOnlyHint: !tool.writes,
        destructiveHint: Boolean(tool.destructive),
        openWorldHint: true,
      },
    },
    async (args: unknown, extra: { signal: AbortSignal }): Promise<CallToolResult> => {
      const limit = tool.long ? context.longTimeoutMs : context.timeoutMs;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new DeadlineError(tool.name, limit)), limit);
      const signal = AbortSignal.any([extra.signal, deadline.signal]);
      try {
        // the race makes the deadline hold even where a library call takes no signal
        const answer = await Promise.race([tool.run(args, { context, signal }), aborted(signal)]);
        return {
          content: [{ type: "text", text: boundText(answer.text) }],
          structuredContent: answer.data as Record<string, unknown>,
        };
      } catch (error) {
        return { isError: true, content: [{ type: "text", text: describeError(signal.reason ?? error, error) }] };
      } finally {
        clearTimeout(timer);
      }
    },
  );
}

class DeadlineError extends Error {
  constructor(tool: string, ms: number) {
    super(
      `${tool} did not finish within ${Math.round(ms / 1000)} s and was stopped: the platform may be slow or ` +
        "overloaded; retry later, or narrow the request",
    );
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** The text of a tool error: the server's own words and the client's hint, or why the request was refused. */
export function describeError(reason: unknown, error: unknown): string {
  if (reason instanceof DeadlineError) return reason.message;
  if (error instanceof QueryError) return `Refused before any request: ${error.message}`;
  if (error instanceof ToolRefusal) return `Refused: ${error.message}`;
  if (error instanceof DataGouvError) {
    const id = error.errorId ? ` (error id ${error.errorId})` : "";
    return `${error.message}${id}`;
  }
  const message = String((error as Error)?.message ?? error);
  if (/^(Permission|Parser|Binder|Catalog|Conversion|Invalid Input|Out of Memory|INTERRUPT) Error/.test(message))
    return `DuckDB: ${message}`;
  return message;
}
