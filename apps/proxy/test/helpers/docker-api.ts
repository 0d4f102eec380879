import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PROGRAM_ID_LABEL } from "@thunderagent/protocol";

/**
 * The two Docker Engine API calls docker-gc makes (inspect, then remove), on loopback, in the
 * engine's wire format: for tests that cannot use a real engine (docker-gc-podman.test.ts uses
 * Podman's Docker API when one runs). `owners` maps a container name to the value of its
 * `thunderagent.program_id` label (null: no label); "gone" answers 404, removing "stuck" 500.
 * Every request's method and path is recorded in `requests`.
 */
export async function startDockerApi(owners: Record<string, string | null> = {}): Promise<{
  host: string;
  deleted: string[];
  requests: string[];
  close(): Promise<void>;
}> {
  const deleted: string[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/(?:v[\d.]+\/)?containers\/([^/?]+)(\/json)?(?:\?(.*))?$/.exec(req.url ?? "");
    const id = m ? decodeURIComponent(m[1]!) : "";
    const known = Object.prototype.hasOwnProperty.call(owners, id);
    if (!m || id === "gone" || !known) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end('{"message":"no such container"}');
    }
    if (req.method === "GET" && m[2]) {
      const owner = owners[id];
      const labels = owner === null || owner === undefined ? {} : { [PROGRAM_ID_LABEL]: owner };
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ Id: id, Name: `/${id}`, Config: { Labels: labels } }));
    }
    if (req.method === "DELETE" && !m[2]) {
      if (id === "stuck") {
        res.writeHead(500, { "content-type": "application/json" });
        return res.end('{"message":"device busy"}');
      }
      deleted.push(`${id}?${m[3] ?? ""}`);
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
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
