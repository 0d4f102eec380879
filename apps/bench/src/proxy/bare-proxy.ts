/**
 * The floor: the least a Node proxy can do per request (node:http in, one undici keep-alive Pool
 * out, JSON parsed and re-serialised, no routing, no scheduling, no streaming). The benchmark runs
 * it beside the real proxy, so the proxy's cost can be read against what Node itself costs.
 *
 *   node --import tsx bare-proxy.ts --port P --backend URL
 * @module
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Pool } from "undici";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    backend: { type: "string" },
  },
});
const pool = new Pool(values.backend ?? "http://127.0.0.1:8000", {
  headersTimeout: 0,
  bodyTimeout: 0,
});

createServer((req, res) => {
  if (req.url === "/health") {
    res.end();
    return;
  }
  const parts: Buffer[] = [];
  req.on("data", (c: Buffer) => parts.push(c));
  req.on("end", () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>;
      delete body["program_id"];
      const up = await pool.request({
        method: "POST",
        path: req.url ?? "/v1/chat/completions",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      res.writeHead(up.statusCode, {
        "content-type": String(up.headers["content-type"] ?? "application/json"),
      });
      for await (const chunk of up.body) res.write(chunk as Buffer);
      res.end();
    })().catch(() => {
      res.statusCode = 502;
      res.end();
    });
  });
}).listen(Number(values.port ?? 0), values.host);
