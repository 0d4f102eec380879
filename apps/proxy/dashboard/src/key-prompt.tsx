// The router runs with --api-key: ask for it once per tab (kept in sessionStorage).
import { useState } from "preact/hooks";

export function KeyPrompt({ wrong, onKey }: { wrong: boolean; onKey: (key: string) => void }) {
  const [key, setKey] = useState("");
  return (
    <form
      class="key-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onKey(key.trim());
      }}
    >
      <h1>ThunderAgent router</h1>
      <p>
        {wrong
          ? "That API key was refused. Enter the router's --api-key:"
          : "This router needs its API key (--api-key):"}
      </p>
      <input
        type="password"
        name="api-key"
        autocomplete="off"
        placeholder="API key"
        value={key}
        onInput={(e) => setKey((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Connect</button>
      <p class="hint">Kept in this tab's session storage only.</p>
    </form>
  );
}
