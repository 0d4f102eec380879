// Registered for the `<pkg>:unit` projects only (vitest.shared.ts): a unit test that opens a
// socket, listens, spawns a process or creates a temp directory fails at once, naming the file to
// list as integration in vitest.shared.ts (INTEGRATION_TESTS). Reading checked-in fixtures is fine.
import childProcess from "node:child_process";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";

function refuse(what: string): never {
  throw new Error(
    `${what} in a unit test: list this test file under INTEGRATION_TESTS in vitest.shared.ts`,
  );
}

for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  (childProcess as unknown as Record<string, unknown>)[name] = () =>
    refuse(`child_process.${name}`);
}
for (const name of ["mkdtemp", "mkdtempSync"]) {
  (fs as unknown as Record<string, unknown>)[name] = () => refuse(`fs.${name}`);
}
fs.promises.mkdtemp = () => refuse("fs.promises.mkdtemp");
net.Server.prototype.listen = function () {
  return refuse("a server listening");
};
net.Socket.prototype.connect = function () {
  return refuse("a socket connecting");
};
syncBuiltinESMExports();
