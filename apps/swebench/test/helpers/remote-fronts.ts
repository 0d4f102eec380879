/**
 * The two authenticated ways to reach a remote Docker API, built on this machine in front of the
 * local Podman socket: an OpenSSH server on a loopback port (its own host key; an authorized_keys
 * entry whose forced command bridges the channel to the socket with socat, as a Podman remote
 * without `docker system dial-stdio` is set up) and a TLS front that requires a client certificate
 * signed by its CA (Node's tls server piping each connection to the socket, as stunnel in front
 * of a docker socket would). Both stop with `stop()`, and the sshd also when the process exits.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, type Server, connect, createServer } from "node:net";
import { join } from "node:path";
import { type TLSSocket, createServer as createTlsServer } from "node:tls";
import { promisify } from "node:util";

const run = promisify(execFile);

export const SSHD = "/usr/sbin/sshd";

/** Why the ssh front cannot be built here (null when it can). */
export async function sshFrontUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return "not root (sshd and the forced command run as root)";
  for (const [cmd, args] of [
    [SSHD, ["-V"]],
    ["socat", ["-V"]],
    ["ssh-keygen", ["-?"]],
  ] as const) {
    try {
      await run(cmd, [...args]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return `no ${cmd} (apt-get install openssh-server socat)`;
    }
  }
  return null;
}

/** A loopback port in 20000-32000 (below the ephemeral range) that is free now. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const s: Server = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface SshFront {
  port: number;
  /** `ssh://root@127.0.0.1:PORT`. */
  url: string;
  /** The client key authorized_keys accepts, and one it does not. */
  identity: string;
  strangerIdentity: string;
  /** A known_hosts file listing the server's key for [127.0.0.1]:PORT. */
  knownHosts: string;
  /** A port nothing listens on. */
  closedPort: number;
  /** Connections sshd accepted (its `Accepted publickey` lines). */
  accepted(): number;
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of started) if (child.pid) killGroup(child.pid);
});
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    // already gone
  }
}

/** sshd on 127.0.0.1 with the forced command `socat - UNIX-CONNECT:<socket>`. */
export async function startSshFront(dir: string, socket: string): Promise<SshFront> {
  const key = (name: string) =>
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(dir, name)]);
  await Promise.all([key("host_key"), key("client_key"), key("stranger_key")]);
  const [port, closedPort] = [await freePort(), await freePort()];
  const pub = (name: string) => readFileSync(join(dir, `${name}.pub`), "utf8").trim();
  writeFileSync(
    join(dir, "authorized_keys"),
    `restrict,command="socat - UNIX-CONNECT:${socket}" ${pub("client_key")}\n`,
  );
  const [type, blob] = pub("host_key").split(" ");
  writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${type} ${blob}\n`);
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "StrictModes no", // the temp dir's parents are world-writable (/tmp)
      "PermitRootLogin forced-commands-only",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "MaxStartups 64",
      // bash sources ~/.bashrc for commands run by sshd unless SHLVL says it is not the first
      // shell; a heavy bashrc (pyenv init here: ~4 s under load) would delay every connection.
      "SetEnv SHLVL=1",
      "LogLevel INFO",
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true }); // privilege separation directory
  const child = spawn(SSHD, ["-D", "-e", "-f", join(dir, "sshd_config")], {
    detached: true, // its own process group: stop() ends the per-connection children too
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.add(child);
  let log = "";
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) killGroup(child.pid);
    await exited;
    started.delete(child);
  };
  try {
    await waitForBanner(port, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    url: `ssh://root@127.0.0.1:${port}`,
    identity: join(dir, "client_key"),
    strangerIdentity: join(dir, "stranger_key"),
    knownHosts: join(dir, "known_hosts"),
    closedPort,
    accepted: () => log.split("\n").filter((l) => l.includes("Accepted publickey")).length,
    stop,
  };
}

async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    const banner = await new Promise<string>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.setTimeout(1000, () => s.destroy());
      s.once("data", (c: Buffer) => (resolve(c.toString()), s.destroy()));
      s.once("error", () => resolve(""));
      s.once("close", () => resolve(""));
    });
    if (banner.startsWith("SSH-2.0")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not answer on ${port}: ${log()}`);
}

export interface TlsFront {
  port: number;
  /** Docker TLS directories: the right CA and client certificate; the CA only; another CA. */
  dirs: { good: string; noClientCert: string; wrongCa: string };
  /** Connections whose client certificate the front accepted. */
  authorized(): number;
  stop(): Promise<void>;
}

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate; a second CA. */
async function makeCertificates(dir: string): Promise<void> {
  const ssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = (name: string) =>
    ssl(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
    );
  await Promise.all([ca("test-ca"), ca("other-ca")]);
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  const signed = async (name: string, serial: string) => {
    await ssl(
      "req",
      ...ec,
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    await ssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "test-ca.pem",
      "-CAkey",
      "test-ca-key.pem",
      "-set_serial",
      serial,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}-cert.pem`,
    );
  };
  await Promise.all([signed("server", "1"), signed("client", "2")]);
}

/** A TLS server on 127.0.0.1 requiring a client certificate of its CA, piping to `socket`. */
export async function startTlsFront(dir: string, socket: string): Promise<TlsFront> {
  await makeCertificates(dir);
  const file = (name: string) => readFileSync(join(dir, name));
  const layout = (name: string, files: Record<string, string>) => {
    const d = join(dir, name);
    mkdirSync(d);
    for (const [to, from] of Object.entries(files)) writeFileSync(join(d, to), file(from));
    return d;
  };
  const client = { "cert.pem": "client-cert.pem", "key.pem": "client-key.pem" };
  const dirs = {
    good: layout("good", { "ca.pem": "test-ca.pem", ...client }),
    noClientCert: layout("no-client-cert", { "ca.pem": "test-ca.pem" }),
    wrongCa: layout("wrong-ca", { "ca.pem": "other-ca.pem", ...client }),
  };
  let authorized = 0;
  const open = new Set<TLSSocket>();
  const server = createTlsServer(
    {
      key: file("server-key.pem"),
      cert: file("server-cert.pem"),
      ca: file("test-ca.pem"),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (tls) => {
      authorized++;
      open.add(tls);
      const engine = connect(socket);
      tls.pipe(engine).pipe(tls);
      const end = () => (tls.destroy(), engine.destroy(), open.delete(tls));
      tls.once("error", end).once("close", end);
      engine.once("error", end).once("close", end);
    },
  );
  server.on("tlsClientError", () => undefined); // refused clients: what the tests assert
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    dirs,
    authorized: () => authorized,
    stop: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
