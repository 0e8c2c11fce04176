/**
 * Serves a fetch-style handler over node:http: each request becomes a web `Request` (body read
 * up to the push limit, aborted when the client goes away) and the `Response` is written back. Used by
 * `flowlens store` and the store's tests.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type FetchHandler, MAX_PUSH_BYTES } from "./http";

export interface RunningServer {
  /** e.g. http://127.0.0.1:3100 */
  url: string;
  close(): Promise<void>;
}

/** Reads a request body, up to `limit` bytes (undefined beyond it). */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    parts.push(part);
  }
  return Buffer.concat(parts, size);
}

function toRequest(req: http.IncomingMessage, res: http.ServerResponse, origin: string, body: Buffer | undefined): Request {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method ?? "GET",
    headers,
    body: body && body.length > 0 ? (body as Uint8Array<ArrayBuffer>) : undefined,
    signal: controller.signal,
  });
}

async function writeResponse(response: Response, res: http.ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  res.end(body);
}

export async function serveFetchHandler(handler: FetchHandler, listen: { host: string; port: number }): Promise<RunningServer> {
  let origin = "";
  const server = http.createServer((req, res) => {
    const method = req.method ?? "GET";
    const withBody = method !== "GET" && method !== "HEAD";
    (withBody ? readBody(req, MAX_PUSH_BYTES) : Promise.resolve(Buffer.alloc(0)))
      .then((body) => {
        if (body === undefined) {
          return new Response(`request body is larger than the limit of ${MAX_PUSH_BYTES} bytes\n`, {
            status: 413,
            headers: { "Content-Type": "text/plain; charset=utf-8" },
          });
        }
        return handler(toRequest(req, res, origin, withBody ? body : undefined));
      })
      .then((response) => writeResponse(response, res))
      .catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end(`internal error: ${error.message}\n`);
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
