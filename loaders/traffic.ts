import { Agent, DecoratorHandler, type Dispatcher } from "undici";

/** What a client asked for and received: requests sent (retries included) and response bytes. */
export interface Traffic {
  requests: number;
  bytes: number;
}

/** The pooled agent the client would use, counting into `traffic` every request it sends and every byte it receives. */
export function countingDispatcher(traffic: Traffic): Dispatcher {
  return new Agent({ connections: 8, keepAliveTimeout: 10_000 }).compose((dispatch) => (options, handler) => {
    traffic.requests++;
    return dispatch(options, new Counting(handler, traffic));
  });
}

/** Passes everything on, counting the response bytes (undici's own decorator, which also adapts older handlers). */
class Counting extends DecoratorHandler {
  readonly #traffic: Traffic;

  constructor(handler: Dispatcher.DispatchHandler, traffic: Traffic) {
    super(handler);
    this.#traffic = traffic;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#traffic.bytes += chunk.length;
    DECORATED.onResponseData.call(this, controller, chunk);
  }
}

// undici's types declare none of the decorator's methods
const DECORATED = DecoratorHandler.prototype as unknown as Required<Dispatcher.DispatchHandler>;
