/**
 * OpenSSH's known_hosts check for `ssh://` Docker hosts: the key the server shows must be listed
 * for its name (`host`, or `[host]:port` off port 22) in one of the files, as `ssh` with
 * `StrictHostKeyChecking yes` demands. Plain names, `*`/`?` patterns with `!` negation, hashed
 * names (`|1|salt|hash`, `HashKnownHosts`) and `@revoked` lines are read; `@cert-authority` lines
 * (host certificates) are not supported and are skipped.
 * @module
 */
import { createHash, createHmac } from "node:crypto";

/** One known_hosts file's text and where it came from (named in the messages). */
export interface KnownHostsFile {
  path: string;
  text: string;
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

/** The name a known_hosts line lists a host under. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `ssh-keygen -l`'s fingerprint of a public key blob: `SHA256:` and unpadded base64. */
export function keyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type a public key blob starts with (`ssh-ed25519`, …). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString() : "unknown";
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** Whether a line's host field (comma-separated patterns or one hashed name) lists `name`. */
function listsHost(field: string, name: string): boolean {
  if (field.startsWith("|1|")) {
    const [, , salt, hash] = field.split("|");
    if (!salt || !hash) return false;
    const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
    return mac === hash;
  }
  let listed = false;
  for (const pattern of field.split(",")) {
    if (pattern.startsWith("!")) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) listed = true;
  }
  return listed;
}

interface Listed {
  where: string;
  type: string;
  key: string;
  revoked: boolean;
}

/**
 * Whether `key` (the server's public key blob) is the one the files list for host:port. Refused:
 * a host listed with other keys only (changed, or someone in the middle), a revoked key, and a
 * host none of the files lists (add it after checking its fingerprint, or opt out per host).
 */
export function checkHostKey(
  files: readonly KnownHostsFile[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const shown = key.toString("base64");
  const what = `the host key of ${name} (${keyType(key)} ${keyFingerprint(key)})`;
  const listed: Listed[] = [];
  for (const file of files) {
    file.text.split("\n").forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith("#")) return;
      const fields = line.split(/\s+/);
      const marker = fields[0]!.startsWith("@") ? fields.shift()! : "";
      if (marker === "@cert-authority" || fields.length < 3) return;
      if (!listsHost(fields[0]!, name)) return;
      const where = `${file.path}:${i + 1}`;
      listed.push({ where, type: fields[1]!, key: fields[2]!, revoked: marker === "@revoked" });
    });
  }
  const revoked = listed.find((l) => l.revoked && l.key === shown);
  if (revoked) return { ok: false, reason: `${what} is revoked (${revoked.where})` };
  if (listed.some((l) => !l.revoked && l.key === shown)) return { ok: true };
  const other = listed.find((l) => !l.revoked);
  if (other) {
    return {
      ok: false,
      reason:
        `${what} does not match the ${other.type} key listed at ${other.where}: the host was ` +
        `reinstalled or someone is in the middle; once you know which, remove the old line ` +
        `(ssh-keygen -R '${name}')`,
    };
  }
  const paths = files.map((f) => f.path).join(", ") || "no known_hosts file";
  return {
    ok: false,
    reason:
      `${what} is not in ${paths}: check the fingerprint and add it ` +
      `(ssh-keyscan -p ${port} ${host} >> ~/.ssh/known_hosts), or give the host known_hosts=off`,
  };
}
