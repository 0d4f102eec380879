import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The one Docker Engine API call docker-gc makes, on loopback (no engine on this machine). */
export async function startDockerApi(): Promise<{
  host: string;
  deleted: string[];
  close(): Promise<void>;
}> {
  const deleted: string[] = [];
  const server: Server = createServer((req, res) => {
    const m = /^\/(?:v[\d.]+\/)?containers\/([^/?]+)\?(.*)$/.exec(req.url ?? "");
    if (req.method === "DELETE" && m) {
      const id = decodeURIComponent(m[1]!);
      if (id === "gone") {
        res.writeHead(404, { "content-type": "application/json" });
        return res.end('{"message":"no such container"}');
      }
      if (id === "stuck") {
        res.writeHead(500, { "content-type": "application/json" });
        return res.end('{"message":"device busy"}');
      }
      deleted.push(`${id}?${m[2]}`);
      res.writeHead(204);
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deleted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
