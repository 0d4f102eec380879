/**
 * A TCP tap between the proxy and a backend: it forwards both directions untouched and records
 * what the backend sent on each connection, so a test can compare the bytes the client got with
 * the bytes the backend produced.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface Tap {
  url: string;
  /** Backend → proxy bytes, one buffer per connection. */
  downstream(): Buffer[];
  close(): Promise<void>;
}

export async function startTap(target: string): Promise<Tap> {
  const { hostname, port } = new URL(target);
  const records: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const chunks: Buffer[] = [];
    records.push(chunks);
    const upstream = createConnection({ host: hostname, port: Number(port) });
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.on("data", (d: Buffer) => chunks.push(d));
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    downstream: () => records.map((c) => Buffer.concat(c)),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits the bytes of one keep-alive connection into its HTTP/1.1 responses (de-chunked). */
export function parseResponses(buf: Buffer): HttpResponse[] {
  const out: HttpResponse[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const headEnd = buf.indexOf("\r\n\r\n", pos);
    if (headEnd < 0) break;
    const lines = buf.toString("latin1", pos, headEnd).split("\r\n");
    const status = Number(lines[0]!.split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    pos = headEnd + 4;
    const parts: Buffer[] = [];
    if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const lineEnd = buf.indexOf("\r\n", pos);
        if (lineEnd < 0) return out;
        const size = parseInt(buf.toString("latin1", pos, lineEnd), 16);
        pos = lineEnd + 2;
        if (size === 0) {
          pos += 2;
          break;
        }
        parts.push(buf.subarray(pos, pos + size));
        pos += size + 2;
      }
    } else {
      const len = Number(headers["content-length"] ?? 0);
      parts.push(buf.subarray(pos, pos + len));
      pos += len;
    }
    out.push({ status, headers, body: Buffer.concat(parts) });
  }
  return out;
}
