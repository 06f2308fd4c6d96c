import { closeSync, openSync, writeSync } from "node:fs";
import type { Dispatcher } from "undici";

type Headers = Record<string, string | string[] | undefined>;

/** One response: a 2xx body written into the file (its size), any other status's body read as text. */
export interface Delivered {
  status: number;
  headers: Headers;
  bytes: number;
  text?: string;
}

/** Where a delivery failed: before any response, in the middle of its body, or writing the file. */
export class DeliveryFailure extends Error {
  override readonly name = "DeliveryFailure";
  readonly stage: "request" | "body" | "file";
  override readonly cause: unknown;

  constructor(stage: "request" | "body" | "file", cause: unknown) {
    super(String((cause as Error)?.message ?? cause));
    this.stage = stage;
    this.cause = cause;
  }
}

/** Text kept of an error body: enough for the server's message. */
const ERROR_TEXT_LIMIT = 64 * 1024;

/**
 * Sends one request and writes a 2xx body into `file` chunk by chunk as the connection hands them over, with a
 * synchronous write into the page cache: no stream in between, which is what moving a large body cheaply takes (a
 * stream's buffering and promises cost more than the copy). Statuses in `accept` other than 2xx write nothing.
 */
export function deliver(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  file: string,
  accept: readonly number[],
  onChunk?: (chunk: Buffer) => void,
  signal?: AbortSignal,
): Promise<Delivered> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: Headers = {};
    let fd: number | undefined;
    let bytes = 0;
    let text: Buffer[] | undefined;
    let textBytes = 0;
    let failure: DeliveryFailure | undefined;
    let controller: Dispatcher.DispatchController | undefined;
    const close = () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    };
    const abort = () =>
      controller?.abort(signal?.reason ?? new DOMException("This operation was aborted", "AbortError"));
    if (signal?.aborted) return reject(new DeliveryFailure("request", signal.reason));
    signal?.addEventListener("abort", abort, { once: true });
    const settle = (error?: DeliveryFailure) => {
      signal?.removeEventListener("abort", abort);
      try {
        close();
      } catch (closing) {
        error ??= new DeliveryFailure("file", closing);
      }
      if (error) reject(error);
      else resolve({ status, headers, bytes, text: text && Buffer.concat(text).toString("utf8") });
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders as Headers;
        if (statusCode >= 200 && statusCode < 300) {
          try {
            fd = openSync(file, "w");
          } catch (error) {
            failure = new DeliveryFailure("file", error);
            controller?.abort(error as Error);
          }
        } else if (!accept.includes(statusCode)) text = [];
      },
      onResponseData(_controller, chunk) {
        if (fd !== undefined) {
          try {
            writeSync(fd, chunk);
          } catch (error) {
            failure = new DeliveryFailure("file", error);
            controller?.abort(error as Error);
            return;
          }
          bytes += chunk.length;
          onChunk?.(chunk);
        } else if (text && textBytes < ERROR_TEXT_LIMIT) {
          text.push(chunk);
          textBytes += chunk.length;
        }
      },
      onResponseEnd() {
        settle();
      },
      onResponseError(_controller, error) {
        settle(failure ?? new DeliveryFailure(status === 0 ? "request" : "body", error));
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      settle(new DeliveryFailure("request", error));
    }
  });
}
