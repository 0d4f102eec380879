// The page's link to the proxy: a one-time token from POST token (with the API key from
// sessionStorage, when the router has one), then an EventSource on events?token=…. A 401 asks for
// the key; a dropped stream reconnects with a new token after a short wait.
import type { FeedDelta, FeedSnapshot } from "../../src/dashboard/feed-types.ts";

export const KEY_STORAGE = "thunderagent.dashboard.apiKey";

export type LinkStatus = "connecting" | "live" | "needs-key" | "bad-key" | "retrying";

export interface LinkHandlers {
  status(s: LinkStatus, detail?: string): void;
  snapshot(m: FeedSnapshot): void;
  delta(m: FeedDelta): void;
}

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export class Link {
  #source: EventSource | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(private readonly on: LinkHandlers) {}

  async connect(): Promise<void> {
    this.#close();
    this.on.status("connecting");
    const key = storedKey();
    let res: Response;
    try {
      res = await fetch("token", {
        method: "POST",
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    } catch {
      return this.#later("the router does not answer");
    }
    if (res.status === 401) {
      this.on.status(key ? "bad-key" : "needs-key");
      return;
    }
    if (!res.ok) return this.#later(`token: HTTP ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    this.#open(token);
  }

  stop(): void {
    this.#stopped = true;
    this.#close();
  }

  #open(token: string): void {
    const source = new EventSource(`events?token=${encodeURIComponent(token)}`);
    this.#source = source;
    source.addEventListener("snapshot", (e) => {
      this.on.snapshot(JSON.parse((e as MessageEvent<string>).data) as FeedSnapshot);
      this.on.status("live");
    });
    source.addEventListener("delta", (e) => {
      this.on.delta(JSON.parse((e as MessageEvent<string>).data) as FeedDelta);
    });
    // The token is spent: the browser's own reconnect would be refused, so reconnect here.
    source.onerror = () => this.#later("stream interrupted");
  }

  #later(why: string): void {
    this.#close();
    if (this.#stopped) return;
    this.on.status("retrying", why);
    this.#retry = setTimeout(() => void this.connect(), 2000);
  }

  #close(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
  }
}
