import { afterEach, describe, expect, it } from "vitest";
import { DataGouvError, HttpClient, resolveEndpoints, sandboxEndpoints } from "../../lib/http/index.ts";
import { VERSION } from "../../lib/http/version.ts";
import { sendJson, startTestServer, type TestServer } from "../support/server.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

const fastRetry = { retries: 3, minDelayMs: 10, maxDelayMs: 2000 };
let server: TestServer | undefined;
let client: HttpClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

function clientFor(url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  client = new HttpClient({ endpoints: sandboxEndpoints(url), retry: fastRetry, logger: { warn() {} }, ...extra });
  return client;
}

async function failure(promise: Promise<unknown>): Promise<DataGouvError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DataGouvError);
    return error as DataGouvError;
  }
  throw new Error("expected a failure");
}

describe("endpoints", () => {
  it("prod, demo, sandbox and custom roots", () => {
    expect(resolveEndpoints({}, {})).toEqual({
      main: "https://www.data.gouv.fr/",
      tabular: "https://tabular-api.data.gouv.fr/",
      metrics: "https://metric-api.data.gouv.fr/",
    });
    expect(resolveEndpoints({ env: "demo" }, {}).main).toBe("https://demo.data.gouv.fr/");
    expect(resolveEndpoints({ env: "demo" }, {}).tabular).toBe("https://tabular-api.preprod.data.gouv.fr/");
    expect(resolveEndpoints({}, { DATAGOUV_SANDBOX_URL: "http://127.0.0.1:9" })).toEqual({
      main: "http://127.0.0.1:9/",
      tabular: "http://127.0.0.1:9/tabular/",
      metrics: "http://127.0.0.1:9/metrics/",
    });
    // an explicit env wins over the environment variable
    expect(resolveEndpoints({ env: "prod" }, { DATAGOUV_SANDBOX_URL: "http://127.0.0.1:9" }).main).toBe(
      "https://www.data.gouv.fr/",
    );
    expect(resolveEndpoints({ tabular: "http://localhost:8005/x" }, {}).tabular).toBe("http://localhost:8005/x/");
    expect(() => resolveEndpoints({ env: "sandbox" }, {})).toThrow(/DATAGOUV_SANDBOX_URL/);
    expect(() => resolveEndpoints({ main: "ftp://x" }, {})).toThrow(/http or https/);
  });

  it("the version sent in the User-Agent is package.json's", () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });
});

describe("requests", () => {
  it("sends a datagouv-kit User-Agent and no API key on reads", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
    const http = clientFor(server.url, { apiKey: "secret-key-123" });
    expect(await http.json("main", "api/1/site/")).toEqual({ ok: true });
    expect(server.requests[0].headers["user-agent"]).toBe(`datagouv-kit/${VERSION}`);
    expect(server.requests[0].headers["x-api-key"]).toBeUndefined();
  });

  it("sends X-API-KEY on writes, only to the API's own origin", async () => {
    const other = await startTestServer((_req, res) => sendJson(res, 200, {}));
    try {
      server = await startTestServer((_req, res) => sendJson(res, 201, { id: "x" }));
      const http = clientFor(server.url, { apiKey: "secret-key-123" });
      await http.json("main", "api/1/datasets/", { json: { title: "t" }, auth: true });
      expect(server.requests[0].headers["x-api-key"]).toBe("secret-key-123");
      await http.json("main", `${other.url}/api/1/elsewhere/`, { json: {}, auth: true });
      expect(other.requests[0].headers["x-api-key"]).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it("close() cuts, after a second's grace, a request the server never answers", async () => {
    server = await startTestServer(() => {});
    const http = clientFor(server.url, { retry: { retries: 0 } });
    const pending = failure(http.json("main", "api/1/site/"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await http.close();
    const error = await pending;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/destroyed/);
  });

  it("a write without a key fails before sending, saying how to set one", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 201, {}));
    const error = await failure(clientFor(server.url).json("main", "api/1/datasets/", { json: {}, auth: true }));
    expect(error.message).toMatch(/DATAGOUV_API_KEY/);
    expect(server.requests).toHaveLength(0);
  });
});

describe("retries", () => {
  it("retries 503 then succeeds (idempotent GET)", async () => {
    server = await startTestServer((_req, res, i) =>
      i < 2 ? sendJson(res, 503, { message: "busy" }) : sendJson(res, 200, { n: i }),
    );
    expect(await clientFor(server.url).json("main", "api/1/site/")).toEqual({ n: 2 });
    expect(server.requests).toHaveLength(3);
  });

  it("retries 429, 502 and 504 but not 500 or 404", async () => {
    for (const status of [429, 502, 504]) {
      server = await startTestServer((_req, res, i) =>
        i === 0 ? sendJson(res, status, {}) : sendJson(res, 200, { ok: status }),
      );
      expect(await clientFor(server.url).json("main", "x/")).toEqual({ ok: status });
      await client?.close();
      await server.close();
    }
    for (const status of [500, 404]) {
      server = await startTestServer((_req, res) => sendJson(res, status, { message: "nope" }));
      const error = await failure(clientFor(server.url).json("main", "x/"));
      expect(error.status).toBe(status);
      expect(server.requests).toHaveLength(1);
      await client?.close();
      await server.close();
    }
    server = undefined;
  });

  it("honours Retry-After (seconds)", async () => {
    server = await startTestServer((_req, res, i) =>
      i === 0 ? sendJson(res, 429, { message: "slow down" }, { "retry-after": "1" }) : sendJson(res, 200, {}),
    );
    const started = Date.now();
    await clientFor(server.url, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5000 } }).json("main", "x/");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("waits for an exhausted X-RateLimit window before the next request", async () => {
    server = await startTestServer((_req, res) =>
      sendJson(res, 200, {}, { "x-ratelimit-limit": "10", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" }),
    );
    const http = clientFor(server.url);
    await http.json("main", "a/");
    const started = Date.now();
    await http.json("main", "b/");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("gives up after the configured retries with the last error", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 502, { message: "bad gateway" }));
    const error = await failure(clientFor(server.url).json("main", "x/"));
    expect(error.status).toBe(502);
    expect(server.requests).toHaveLength(4);
    expect(error.hint).toMatch(/retry later/);
  });

  it("does not retry a POST unless told it is idempotent", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 503, {}));
    await failure(clientFor(server.url, { apiKey: "k" }).json("main", "x/", { json: {}, auth: true }));
    expect(server.requests).toHaveLength(1);
    await client?.close();
    await server.close();
    server = await startTestServer((_req, res, i) => (i === 0 ? sendJson(res, 503, {}) : sendJson(res, 200, {})));
    await clientFor(server.url, { apiKey: "k" }).json("main", "x/", {
      method: "PUT",
      json: {},
      auth: true,
      idempotent: true,
    });
    expect(server.requests).toHaveLength(2);
  });

  it("retries a connection reset before the response", async () => {
    server = await startTestServer((req, res, i) => {
      if (i === 0) req.socket.destroy();
      else sendJson(res, 200, { ok: true });
    });
    expect(await clientFor(server.url).json("main", "x/")).toEqual({ ok: true });
  });
});

describe("a response cut short", () => {
  /** Sends the headers and the first half of a JSON body, then breaks the connection; whole on later requests. */
  const cutFirst = (cuts: number) => (_req: IncomingMessage, res: ServerResponse, i: number) => {
    const body = JSON.stringify({ data: Array.from({ length: 200 }, (_, n) => ({ n })), attempt: i });
    res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
    if (i >= cuts) return void res.end(body);
    res.write(body.slice(0, body.length / 2));
    setImmediate(() => res.socket?.destroy());
  };

  it("is asked for again from the start (no Range: the APIs serve none), and read whole", async () => {
    server = await startTestServer(cutFirst(2));
    const page = await clientFor(server.url).json<{ data: unknown[]; attempt: number }>(
      "main",
      "api/2/datasets/search/",
    );
    expect(page.data).toHaveLength(200);
    expect(page.attempt).toBe(2);
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((r) => r.headers.range)).toEqual([undefined, undefined, undefined]);
  });

  it("shares the request's retry budget with its refusals: 2 retries are 3 attempts in all", async () => {
    server = await startTestServer((req, res, i) => (i === 0 ? sendJson(res, 503, {}) : cutFirst(9)(req, res, i)));
    const error = await failure(
      clientFor(server.url, { retry: { retries: 2, minDelayMs: 1 } }).text("main", "api/1/datasets/"),
    );
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/cut off/);
    expect(server.requests).toHaveLength(3);
  });

  it("readFully reads the new body from its beginning, and does not retry the reader's own failures", async () => {
    server = await startTestServer(cutFirst(1));
    const http = clientFor(server.url);
    const bodies: number[] = [];
    const text = await http.readFully(await http.stream("main", "x/"), async (response) => {
      try {
        const whole = await response.body.text();
        bodies.push(whole.length);
        return whole;
      } catch (error) {
        throw http.bodyError("main", "GET", response.url, error);
      }
    });
    expect(JSON.parse(text).attempt).toBe(1);
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    let reads = 0;
    const refused = http.readFully(await http.stream("main", "x/"), async () => {
      reads++;
      throw full;
    });
    await expect(refused).rejects.toBe(full);
    expect(reads).toBe(1);
  });

  it("a write cut before its answer is not replayed, and says to check before sending it again", async () => {
    server = await startTestServer((req) => void req.socket.destroy());
    const error = await failure(clientFor(server.url, { apiKey: "k" }).json("main", "x/", { json: {}, auth: true }));
    expect(server.requests).toHaveLength(1);
    expect(error.hint).toMatch(/check whether the change was made/);
    expect(error.hint).not.toMatch(/Could not reach/);
  });
});

describe("downloads into a file", () => {
  const body = "x".repeat(300_000);
  const serve = (cuts: number) => (_req: IncomingMessage, res: ServerResponse, i: number) => {
    res.writeHead(200, { "content-type": "text/csv", "content-length": String(body.length) });
    if (i >= cuts) return void res.end(body);
    res.write(body.slice(0, 100_000));
    setTimeout(() => res.socket?.destroy(), 20);
  };

  it("a body cut short is asked for again and the file written anew, whole", async () => {
    server = await startTestServer(serve(2));
    const dir = mkdtempSync(join(tmpdir(), "datagouv-download-"));
    try {
      const restarts: number[] = [];
      let seen = 0;
      const done = await clientFor(server.url).download("main", "x/", join(dir, "body.csv"), {
        onChunk: (chunk) => (seen += chunk.length),
        onRestart: () => restarts.push(seen),
      });
      expect(done.bytes).toBe(body.length);
      expect(readFileSync(join(dir, "body.csv"), "utf8")).toBe(body);
      expect(server.requests.map((r) => r.headers.range)).toEqual([undefined, undefined, undefined]);
      expect(restarts).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a status outside 2xx fails with the server's message and writes nothing", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 404, { message: "Resource does not exist" }));
    const error = await failure(clientFor(server.url).download("main", "x/", join(tmpdir(), "never-written.csv")));
    expect([error.status, error.serverMessage]).toEqual([404, "Resource does not exist"]);
    expect(existsSync(join(tmpdir(), "never-written.csv"))).toBe(false);
  });

  it("a full disk is the disk's failure, not the network's, and is not retried", async () => {
    server = await startTestServer(serve(0));
    // writing to /dev/full fails as a full disk does
    const error = await clientFor(server.url)
      .download("main", "x/", "/dev/full")
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DataGouvError);
    expect((error as { code?: string }).code).toBe("ENOSPC");
    expect(server.requests).toHaveLength(1);
  });
});

describe("failures a person can act on", () => {
  it("the overload redirect to sorry.data.gouv.fr becomes 'overloaded, retry later'", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(302, { location: "http://sorry.data.gouv.fr" });
      res.end();
    });
    const error = await failure(
      clientFor(server.url, { retry: { retries: 1, minDelayMs: 1 } }).json("main", "api/1/datasets/"),
    );
    expect(error.kind).toBe("overloaded");
    expect(error.message).toMatch(/overloaded/i);
    expect(error.message).toMatch(/retry later/i);
    expect(server.requests).toHaveLength(2);
  });

  it("follows an ordinary redirect", async () => {
    server = await startTestServer((req, res) => {
      if (req.url === "/api/1/datasets/r/abc") {
        res.writeHead(302, { location: "/files/abc.csv" });
        res.end();
      } else sendJson(res, 200, { at: req.url });
    });
    expect(await clientFor(server.url).json("main", "api/1/datasets/r/abc")).toEqual({ at: "/files/abc.csv" });
  });

  it("times out when headers do not come", async () => {
    server = await startTestServer(() => undefined);
    const error = await failure(clientFor(server.url, { timeoutMs: 300, retry: { retries: 0 } }).json("main", "x/"));
    expect(error.kind).toBe("timeout");
    expect(error.hint).toMatch(/did not answer in time/);
  });

  it("a refused connection says how to work offline", async () => {
    server = await startTestServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await failure(clientFor(url, { retry: { retries: 0 } }).json("main", "x/"));
    expect(error.kind).toBe("network");
    expect(error.hint).toMatch(/sandbox/);
  });

  it("Main API {message} bodies, with validation errors field by field", async () => {
    server = await startTestServer((_req, res) =>
      sendJson(res, 400, { errors: { title: ["This field is required."] }, message: "Validation error" }),
    );
    const error = await failure(clientFor(server.url).json("main", "api/1/datasets/"));
    expect(error.serverMessage).toBe("Validation error");
    expect(error.fieldErrors).toEqual({ title: ["This field is required."] });
    expect(error.message).toMatch(/title: This field is required\./);
  });

  it("Tabular errors with a string detail: the page-size maximum is read from the message", async () => {
    server = await startTestServer((_req, res) =>
      sendJson(res, 400, {
        errors: [{ code: null, title: "Invalid query string", detail: "Page size exceeds allowed maximum: 200" }],
      }),
    );
    const error = await failure(
      clientFor(server.url).json("tabular", "api/resources/x/data/", { query: { page_size: 500 } }),
    );
    expect(error.title).toBe("Invalid query string");
    expect(error.hint).toBe("Use page_size 200 or less");
    expect(error.url).toContain("/tabular/api/resources/x/data/?page_size=500");
  });

  it("Tabular errors with a PostgREST database-error object", async () => {
    const detail = {
      code: "42703",
      details: null,
      hint: null,
      message: "column e3686d542d96b3b5c75d40b27b566707.nonexistent does not exist",
    };
    server = await startTestServer((_req, res) =>
      sendJson(res, 400, { errors: [{ code: "a613c682", title: "Database error", detail }] }),
    );
    const error = await failure(clientFor(server.url).json("tabular", "api/resources/x/data/"));
    expect(error.detail).toEqual(detail);
    expect(error.serverMessage).toMatch(/nonexistent does not exist/);
    expect(error.errorId).toBe("a613c682");
    expect(error.hint).toMatch(/column names/);
  });

  it("plain-text 404 from the Tabular API, with the not-parsed hint", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("404: Not Found");
    });
    const error = await failure(clientFor(server.url).json("tabular", "api/resources/x/profile/"));
    expect(error.serverMessage).toBe("404: Not Found");
    expect(error.hint).toMatch(/does not serve this resource/);
  });

  it("plain-text 410 'permanently deleted'", async () => {
    const text = "Resource deadbeef has been permanently deleted on 2024-01-01 by its producer.";
    server = await startTestServer((_req, res) => {
      res.writeHead(410, { "content-type": "text/plain; charset=utf-8" });
      res.end(text);
    });
    const error = await failure(clientFor(server.url).json("tabular", "api/resources/deadbeef/data/"));
    expect(error.status).toBe(410);
    expect(error.serverMessage).toBe(text);
  });
});

describe("the API key stays secret", () => {
  const key = "sk-test-0123456789abcdef";
  it("never appears in an error's message, fields, JSON or cause — even when the server echoes it", async () => {
    server = await startTestServer((req, res) =>
      sendJson(res, 403, { message: `You do not have the permission (key ${String(req.headers["x-api-key"])})` }),
    );
    const error = await failure(
      clientFor(server.url, { apiKey: key }).json("main", "api/1/datasets/x/", { method: "PUT", json: {}, auth: true }),
    );
    expect(server.requests[0].headers["x-api-key"]).toBe(key);
    const everything = [
      error.message,
      error.stack ?? "",
      JSON.stringify(error),
      JSON.stringify(Object.entries(error)),
      String(error.cause ?? ""),
    ].join("\n");
    expect(everything).not.toContain(key);
    expect(error.message).toContain("[API key]");
  });

  it("network failures on writes do not carry the request's headers", async () => {
    server = await startTestServer((req) => void req.socket.destroy());
    const error = await failure(clientFor(server.url, { apiKey: key }).json("main", "x/", { json: {}, auth: true }));
    expect(
      JSON.stringify(error) +
        String(error.stack) +
        JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause ?? {})),
    ).not.toContain(key);
  });
});
