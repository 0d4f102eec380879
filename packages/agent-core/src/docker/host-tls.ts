/**
 * Docker hosts over TLS (`https://host:port`, or `tcp://host:port` with a `tls` directory, as
 * `docker --tlsverify -H tcp://…` does): the server's certificate is verified against the `ca.pem`
 * of the host's `tls` directory (Docker's layout: ca.pem, cert.pem, key.pem), else of
 * DOCKER_CERT_PATH, else the system's CAs; `cert.pem` and `key.pem` there, when present, are the
 * client certificate. Refusals are one line each: `TLS: <reason>`.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { Agent, type RequestOptions } from "node:https";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { HOST_ACCESS_ERROR, accessError, expandPath } from "./host-ssh.js";

export interface TlsFiles {
  /** Where they came from (named in the messages); null: the system's CAs, no client certificate. */
  dir: string | null;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The files of a Docker TLS directory: ca.pem required, cert.pem and key.pem together or neither. */
export function readTlsDir(dir: string): TlsFiles {
  const abs = expandPath(dir);
  const read = (name: string) => {
    try {
      return readFileSync(join(abs, name));
    } catch (error) {
      throw accessError(`TLS: cannot read ${join(abs, name)} (${(error as Error).message})`);
    }
  };
  const ca = read("ca.pem");
  const hasCert = existsSync(join(abs, "cert.pem"));
  const hasKey = existsSync(join(abs, "key.pem"));
  if (hasCert !== hasKey) {
    throw accessError(
      `TLS: ${abs} has ${hasCert ? "cert.pem but no key.pem" : "key.pem but no cert.pem"}`,
    );
  }
  return hasCert
    ? { dir: abs, ca, cert: read("cert.pem"), key: read("key.pem") }
    : { dir: abs, ca };
}

/** The host's directory, else DOCKER_CERT_PATH's, else none (system CAs, no client certificate). */
export function tlsFilesFor(dir: string | undefined, env = process.env): TlsFiles {
  const fromEnv = env["DOCKER_CERT_PATH"];
  if (dir !== undefined) return readTlsDir(dir);
  if (fromEnv) return readTlsDir(fromEnv);
  return { dir: null };
}

const SERVER_NOT_TRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/** A TLS failure as one line naming what was not trusted or not accepted; null if not TLS's. */
export function describeTlsError(error: NodeJS.ErrnoException, files: TlsFiles): string | null {
  const code = error.code ?? "";
  const ca = files.dir
    ? `${files.dir}/ca.pem`
    : "the system's CAs (no tls directory, no DOCKER_CERT_PATH)";
  const cert = files.cert ? `our client certificate ${files.dir}/cert.pem` : null;
  if (SERVER_NOT_TRUSTED.has(code)) {
    return `TLS: the server's certificate is not signed by ${ca} (${code})`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `TLS: the server's certificate is not valid now (${code})`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `TLS: the server's certificate is for another name (${error.message})`;
  }
  if (code.startsWith("ERR_SSL_") && /ALERT_CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/.test(code)) {
    return cert
      ? `TLS: the server refused ${cert} (${code})`
      : `TLS: the server requires a client certificate and ${files.dir ? `${files.dir} has no cert.pem/key.pem` : "none is configured (tls directory or DOCKER_CERT_PATH)"} (${code})`;
  }
  if (
    code.startsWith("ERR_SSL_") &&
    /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|DECRYPT_ERROR|ACCESS_DENIED|CERTIFICATE_)/.test(code)
  ) {
    return `TLS: the server refused ${cert ?? "our connection"} (${code})`;
  }
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))
    return `TLS: ${error.message} (${code})`;
  return null;
}

/**
 * The https.Agent of a TLS host's dockerode client: connections verify the server and present the
 * client certificate (the files read on the first connection: a missing one fails the request
 * with one line); a TLS refusal's message is rewritten, in place before the request sees it,
 * into one line naming the CA or certificate (its code becomes HOST_ACCESS_ERROR).
 */
export class TlsDockerAgent extends Agent {
  private files: TlsFiles | null = null;

  /** `dir`: the host's tls directory (default: DOCKER_CERT_PATH, else none). */
  constructor(readonly dir: string | undefined) {
    super({ keepAlive: true });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    let files: TlsFiles;
    try {
      files = this.files ??= tlsFilesFor(this.dir);
    } catch (error) {
      process.nextTick(() => callback?.(error as Error, undefined as unknown as Duplex));
      return undefined;
    }
    const socket = super.createConnection(
      {
        ...options,
        rejectUnauthorized: true,
        ...(files.ca ? { ca: files.ca } : {}),
        ...(files.cert ? { cert: files.cert } : {}),
        ...(files.key ? { key: files.key } : {}),
      },
      callback,
    );
    socket?.prependListener("error", (error: NodeJS.ErrnoException) => {
      const line = describeTlsError(error, files);
      if (!line) return;
      error.message = line;
      error.code = HOST_ACCESS_ERROR;
    });
    return socket;
  }
}
