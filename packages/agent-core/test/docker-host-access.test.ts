/**
 * How ssh:// and TLS Docker hosts are configured and reached, without a network: the per-host
 * keys of `docker_hosts` (text and object forms, what each is for, one line per bad key), the
 * dockerode options they give, the known_hosts check and the TLS refusal lines.
 */
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, DockerHostSpec, parseMiniConfig } from "../src/index.js";
import { dockerOptionsFor } from "../src/docker/docker-hosts.js";
import { SshDockerAgent } from "../src/docker/host-ssh.js";
import type { TlsDockerAgent } from "../src/docker/host-tls.js";
import { describeTlsError } from "../src/docker/host-tls.js";
import { checkHostKey, keyFingerprint } from "../src/docker/known-hosts.js";

const parse = (spec: unknown) => {
  const r = DockerHostSpec.safeParse(spec);
  return r.success ? r.data : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("docker_hosts entries: identity, known_hosts, tls", () => {
  it("reads them after commas in text and as object keys", () => {
    expect(parse("ssh://runner@10.0.0.8:2222=8,identity=~/.ssh/k,known_hosts=off")).toEqual({
      url: "ssh://runner@10.0.0.8:2222",
      slots: 8,
      identity: "~/.ssh/k",
      known_hosts: "off",
    });
    expect(parse("https://10.0.0.9:2376,tls=/etc/docker-certs")).toEqual({
      url: "https://10.0.0.9:2376",
      tls: "/etc/docker-certs",
    });
    expect(parse({ url: "tcp://10.0.0.9:2376", slots: 4, tls: "/c" })).toEqual({
      url: "tcp://10.0.0.9:2376",
      slots: 4,
      tls: "/c",
    });
  });

  it("names a key given to the wrong kind of host, an empty one and an unknown one", () => {
    expect(parse("unix:///run/x.sock,identity=/k")).toEqual(["identity: is for ssh:// hosts"]);
    expect(parse({ url: "tcp://h:2375", known_hosts: "off" })).toEqual([
      "known_hosts: is for ssh:// hosts",
    ]);
    expect(parse("ssh://u@h,tls=/c")).toEqual(["tls: is for https:// and tcp:// hosts"]);
    expect(parse("ssh://u@h,identity")).toEqual(["identity: must name a private key file"]);
    expect(parse("ssh://u@h=2,key=/k")).toEqual([
      ": unknown key key (a host takes url, slots, identity, known_hosts, tls)",
    ]);
  });

  it("a bad entry in a config is one line naming its path", () => {
    const raw = {
      environment: { docker_hosts: ["unix:///a.sock", { url: "http://h:1", tls: "/c" }] },
    };
    expect(() => parseMiniConfig(raw)).toThrow(ConfigError);
    expect(() => parseMiniConfig(raw)).toThrow(
      "environment.docker_hosts[1].tls: is for https:// and tcp:// hosts",
    );
  });
});

describe("dockerOptionsFor", () => {
  it("ssh:// goes over the ssh agent with the entry's key and known_hosts", () => {
    const o = dockerOptionsFor({
      url: "ssh://runner@10.0.0.8:2222",
      identity: "/k",
      known_hosts: "/kh",
    });
    expect(o).toMatchObject({ protocol: "http", host: "10.0.0.8", port: 2222 });
    expect(o.agent).toBeInstanceOf(SshDockerAgent);
    expect((o.agent as SshDockerAgent).target).toEqual({
      host: "10.0.0.8",
      port: 2222,
      username: "runner",
      identity: "/k",
      knownHosts: "/kh",
    });
    const bare = dockerOptionsFor("ssh://10.0.0.8").agent as SshDockerAgent;
    expect(bare.target.port).toBe(22);
    expect(bare.target.username.length).toBeGreaterThan(0); // the local user, as ssh takes it
  });

  it("https:// and tcp:// with tls are TLS; tcp:// without is plain HTTP", () => {
    const https = dockerOptionsFor("https://h");
    expect(https).toMatchObject({ protocol: "https", host: "h", port: 2376 });
    expect((https.agent as TlsDockerAgent).dir).toBeUndefined(); // DOCKER_CERT_PATH or system CAs
    const tcpTls = dockerOptionsFor({ url: "tcp://h:2376", tls: "/certs" });
    expect(tcpTls).toMatchObject({ protocol: "https", port: 2376 });
    expect((tcpTls.agent as TlsDockerAgent).dir).toBe("/certs");
    expect(dockerOptionsFor("tcp://h:2376")).toEqual({ protocol: "http", host: "h", port: 2376 });
  });
});

describe("known_hosts", () => {
  const blob = (type: string) => {
    const t = Buffer.from(type);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(t.length);
    return Buffer.concat([len, t, randomBytes(32)]);
  };
  const key = blob("ssh-ed25519");
  const other = blob("ssh-ed25519");
  const b64 = (b: Buffer) => b.toString("base64");
  const file = (text: string) => [{ path: "/kh", text }];

  it("accepts the listed key under the host's name, [host]:port off port 22, hashed or by pattern", () => {
    expect(checkHostKey(file(`h.example ssh-ed25519 ${b64(key)}\n`), "h.example", 22, key)).toEqual(
      { ok: true },
    );
    const ported = `[10.0.0.8]:2222 ssh-ed25519 ${b64(key)}`;
    expect(checkHostKey(file(ported), "10.0.0.8", 2222, key).ok).toBe(true);
    expect(checkHostKey(file(ported), "10.0.0.8", 22, key).ok).toBe(false);
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update("[10.0.0.8]:2222").digest("base64");
    const hashed = `|1|${salt.toString("base64")}|${hash} ssh-ed25519 ${b64(key)}`;
    expect(checkHostKey(file(hashed), "10.0.0.8", 2222, key).ok).toBe(true);
    const pattern = `*.example,!bad.example ssh-ed25519 ${b64(key)}`;
    expect(checkHostKey(file(pattern), "a.example", 22, key).ok).toBe(true);
    expect(checkHostKey(file(pattern), "bad.example", 22, key).ok).toBe(false);
  });

  it("refuses a changed key, a revoked one and an unknown host, naming the fingerprint", () => {
    const changed = checkHostKey(file(`# c\nh ssh-ed25519 ${b64(other)}`), "h", 22, key);
    expect(changed).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^the host key of h \(ssh-ed25519 SHA256:\S+\) does not match the ssh-ed25519 key listed at \/kh:2: /,
      ) as string,
    });
    const revoked = `@revoked h ssh-ed25519 ${b64(key)}\nh ssh-ed25519 ${b64(key)}`;
    expect(checkHostKey(file(revoked), "h", 22, key)).toEqual({
      ok: false,
      reason: `the host key of h (ssh-ed25519 ${keyFingerprint(key)}) is revoked (/kh:1)`,
    });
    const unknown = checkHostKey(file(""), "h", 2222, key);
    expect(unknown.ok || unknown.reason).toContain(
      `is not in /kh: check the fingerprint and add it (ssh-keyscan -p 2222 h >> ~/.ssh/known_hosts), or give the host known_hosts=off`,
    );
  });
});

describe("TLS refusal lines", () => {
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });
  const files = { dir: "/certs", ca: Buffer.from("x") };
  const withCert = { ...files, cert: Buffer.from("c"), key: Buffer.from("k") };

  it("names the CA, the missing or refused client certificate", () => {
    expect(describeTlsError(err("SELF_SIGNED_CERT_IN_CHAIN"), files)).toBe(
      "TLS: the server's certificate is not signed by /certs/ca.pem (SELF_SIGNED_CERT_IN_CHAIN)",
    );
    expect(describeTlsError(err("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), files)).toBe(
      "TLS: the server requires a client certificate and /certs has no cert.pem/key.pem (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)",
    );
    expect(describeTlsError(err("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"), withCert)).toBe(
      "TLS: the server refused our client certificate /certs/cert.pem (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)",
    );
    expect(describeTlsError(err("ECONNREFUSED"), files)).toBeNull(); // left as it is
  });
});
