// reproduce names the router's dashboard when the router serves one (ours), not otherwise.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { dashboardUrl } from "../src/dashboard-url.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function router(withDashboard: boolean): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === "/dashboard" && withDashboard) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html>");
    } else res.writeHead(404, { "content-type": "application/json" }).end("{}");
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("dashboardUrl", () => {
  it("is the router's /dashboard when it serves a page, else null", async () => {
    const ours = await router(true);
    expect(await dashboardUrl(`${ours}/health`)).toBe(`${ours}/dashboard`);
    expect(await dashboardUrl(`${await router(false)}/health`)).toBeNull();
    expect(await dashboardUrl("http://127.0.0.1:1/health", 500)).toBeNull();
  });
});
