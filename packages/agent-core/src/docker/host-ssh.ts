/**
 * `ssh://user@host[:port]` Docker hosts, authenticated as the docker CLI would: each HTTP
 * connection of the host's dockerode client is an SSH connection on which the remote runs
 * `docker system dial-stdio` (or whatever a forced command in its authorized_keys runs instead),
 * kept alive between requests. Credentials: the host's `identity` key, else the ssh agent
 * (SSH_AUTH_SOCK) and the default keys (~/.ssh/id_ed25519, id_ecdsa, id_rsa); keys with a
 * passphrase go through the agent. The server's host key is checked against `known_hosts` (by
 * default ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts; `off` accepts any key, only when the
 * host says so). Failures are one line each: `ssh: <reason>`.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { Agent, type ClientRequestArgs } from "node:http";
import { type Socket, connect } from "node:net";
import { homedir, userInfo } from "node:os";
import { resolve } from "node:path";
import type { Duplex } from "node:stream";
import ssh2 from "ssh2";
import type { AnyAuthMethod, Client, ClientChannel, ParsedKey } from "ssh2";
import { type KnownHostsFile, checkHostKey } from "./known-hosts.js";

/** The `code` of a refusal that is the host's answer about us (credentials, keys, certificates). */
export const HOST_ACCESS_ERROR = "ERR_DOCKER_HOST_ACCESS";

/** An Error with a code (HOST_ACCESS_ERROR, or the connection's ECONNREFUSED etc.). */
export function accessError(message: string, code = HOST_ACCESS_ERROR, cause?: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  (error as NodeJS.ErrnoException).code = code;
  return error;
}

/** `~/x` and relative paths to absolute ones. */
export function expandPath(path: string): string {
  return resolve(path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path);
}

export interface SshTarget {
  host: string;
  port: number;
  /** Default: the local user's name (as ssh does). */
  username: string;
  /** A private key file; default: the agent and the default keys. */
  identity?: string;
  /** A known_hosts file or `off`; default: ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  knownHosts?: string;
}

/** How long an SSH connection may take to be ready (TCP, handshake, authentication, exec). */
const CONNECT_TIMEOUT_MS = 20_000;
/** An idle kept-alive connection is closed after this long. */
const IDLE_MS = 30_000;
const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];
const REMOTE_COMMAND = "docker system dial-stdio";

interface Credentials {
  methods: AnyAuthMethod[];
  /** What was offered, for the failure message. */
  tried: string[];
}

function parsePrivateKey(path: string): ParsedKey | Error {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    return new Error(`cannot read the key ${path} (${(error as Error).message})`);
  }
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) {
    const hint = /passphrase/i.test(parsed.message)
      ? "; a key with a passphrase must be loaded into ssh-agent (SSH_AUTH_SOCK)"
      : "";
    return new Error(`cannot use the key ${path}: ${parsed.message}${hint}`);
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  if (!key.isPrivateKey()) return new Error(`the key ${path} is not a private key`);
  return key;
}

/** The methods to offer: an explicit identity first, then the agent; else agent and default keys. */
export function sshCredentials(target: SshTarget, env = process.env): Credentials {
  const username = target.username;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const agent = env["SSH_AUTH_SOCK"];
  const addKey = (path: string, required: boolean) => {
    const key = parsePrivateKey(path);
    if (key instanceof Error) {
      if (required) throw accessError(`ssh: ${key.message}`);
      tried.push(`${path} (skipped: ${key.message.replace(/^cannot use the key \S+: /, "")})`);
      return;
    }
    methods.push({ type: "publickey", username, key });
    tried.push(path);
  };
  if (target.identity) addKey(expandPath(target.identity), true);
  if (agent) {
    methods.push({ type: "agent", username, agent });
    tried.push(`the ssh agent at ${agent}`);
  }
  if (!target.identity) {
    for (const name of DEFAULT_KEYS) {
      const path = resolve(homedir(), ".ssh", name);
      if (existsSync(path)) addKey(path, false);
    }
  }
  if (methods.length === 0) {
    throw accessError(
      `ssh: no credentials for ${username}: no ssh agent (SSH_AUTH_SOCK) and no usable ` +
        `~/.ssh/${DEFAULT_KEYS.join(", ")}${tried.length ? ` (${tried.join("; ")})` : ""}; ` +
        `give the host a key (identity)`,
    );
  }
  return { methods, tried };
}

/** The known_hosts files to check (missing default ones skipped), or null for `off`. */
export function knownHostsFiles(target: SshTarget): KnownHostsFile[] | null {
  if (target.knownHosts === "off") return null;
  if (target.knownHosts !== undefined) {
    const path = expandPath(target.knownHosts);
    try {
      return [{ path, text: readFileSync(path, "utf8") }];
    } catch (error) {
      throw accessError(`ssh: cannot read known_hosts ${path} (${(error as Error).message})`);
    }
  }
  const files: KnownHostsFile[] = [];
  for (const path of [resolve(homedir(), ".ssh/known_hosts"), "/etc/ssh/ssh_known_hosts"]) {
    if (existsSync(path)) files.push({ path, text: readFileSync(path, "utf8") });
  }
  return files;
}

/** The local user, as ssh takes it when the URL names none. */
export function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env["USER"] ?? "root";
  }
}

function describeConnectError(error: NodeJS.ErrnoException, target: SshTarget): Error {
  const at = `${target.host}:${target.port}`;
  const why: Record<string, string> = {
    ECONNREFUSED: `connection refused by ${at}`,
    EHOSTUNREACH: `${at} is unreachable`,
    ENETUNREACH: `${at} is unreachable`,
    ETIMEDOUT: `no answer from ${at}`,
    ENOTFOUND: `unknown host name ${target.host}`,
    EAI_AGAIN: `cannot resolve ${target.host}`,
  };
  const reason = (error.code && why[error.code]) ?? error.message;
  return accessError(`ssh: ${reason} (${error.code ?? error.message})`, error.code, error);
}

/** The channel as an HTTP socket: the few socket methods the http client and agent call. */
function asSocket(channel: ClientChannel, tcp: Socket, client: Client): Duplex {
  const s = channel as unknown as Duplex & Record<string, unknown>;
  s["setKeepAlive"] = () => s;
  s["setNoDelay"] = () => s;
  s["setTimeout"] = () => s;
  s["ref"] = () => (tcp.ref(), s);
  s["unref"] = () => (tcp.unref(), s);
  channel.once("close", () => client.end());
  return s;
}

/** One SSH connection with the remote command's stdin/stdout as a stream. */
function openChannel(target: SshTarget, credentials: Credentials): Promise<Duplex> {
  const hostFiles = knownHostsFiles(target);
  return new Promise((resolvePromise, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    let hostKeyProblem: string | null = null;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      tcp.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(accessError(`ssh: not ready in ${CONNECT_TIMEOUT_MS / 1000} s`, "ETIMEDOUT")),
      CONNECT_TIMEOUT_MS,
    );
    timer.unref();
    const tcp = connect({ host: target.host, port: target.port });
    tcp.once("error", (e) => fail(describeConnectError(e, target)));
    client.on("error", (e: Error & { level?: string }) => {
      if (hostKeyProblem) return fail(accessError(`ssh: ${hostKeyProblem}`));
      if (e.level === "client-authentication") {
        return fail(
          accessError(
            `ssh: the server refused ${target.username}'s keys (tried ${credentials.tried.join(", ")})`,
          ),
        );
      }
      if ((e as NodeJS.ErrnoException).code) {
        return fail(describeConnectError(e as NodeJS.ErrnoException, target));
      }
      fail(accessError(`ssh: ${e.message}`, HOST_ACCESS_ERROR, e));
    });
    client.on("ready", () => {
      client.exec(REMOTE_COMMAND, (error, channel) => {
        if (error) return fail(accessError(`ssh: cannot run ${REMOTE_COMMAND}: ${error.message}`));
        let stderr = "";
        let answered = false;
        channel.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-500)));
        channel.once("data", () => (answered = true));
        channel.on("exit", (code: number | null) => {
          // The remote command failed before answering (no docker there, socket missing, …).
          if (!answered && code !== 0) {
            const why = stderr.trim().split("\n").pop() || `exit code ${code}`;
            (channel as unknown as Duplex).destroy(
              accessError(`ssh: the remote ${REMOTE_COMMAND} failed: ${why}`),
            );
          }
        });
        settled = true;
        clearTimeout(timer);
        resolvePromise(asSocket(channel, tcp, client));
      });
    });
    tcp.once("connect", () => {
      client.connect({
        sock: tcp,
        username: target.username,
        authHandler: credentials.methods,
        readyTimeout: CONNECT_TIMEOUT_MS,
        keepaliveInterval: 15_000,
        ...(hostFiles
          ? {
              hostVerifier: (key: Buffer) => {
                const verdict = checkHostKey(hostFiles, target.host, target.port, key);
                if (!verdict.ok) hostKeyProblem = verdict.reason;
                return verdict.ok;
              },
            }
          : {}),
      });
    });
  });
}

/**
 * The http.Agent of an ssh host's dockerode client: a connection is an SSH connection (opened
 * when no idle one is free, closed after IDLE_MS idle). Credentials are read on the first
 * connection; their errors and every refusal reject the request with one `ssh: …` line.
 */
export class SshDockerAgent extends Agent {
  private credentials: Credentials | null = null;
  private readonly idle = new WeakMap<Duplex, NodeJS.Timeout>();

  constructor(readonly target: SshTarget) {
    super({ keepAlive: true });
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? (() => undefined);
    let credentials: Credentials;
    try {
      credentials = this.credentials ??= sshCredentials(this.target);
    } catch (error) {
      process.nextTick(() => done(error as Error, undefined as unknown as Duplex));
      return undefined;
    }
    openChannel(this.target, credentials).then(
      (stream) => done(null, stream),
      (error: Error) => done(error, undefined as unknown as Duplex),
    );
    return undefined;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    (socket as unknown as Socket).unref();
    const timer = setTimeout(() => socket.destroy(), IDLE_MS);
    timer.unref();
    this.idle.set(socket, timer);
    return true;
  }

  override reuseSocket(socket: Duplex): void {
    clearTimeout(this.idle.get(socket));
    this.idle.delete(socket);
    (socket as unknown as Socket).ref();
  }
}
