// The journal of open programs (`<output>/.programs/`) as the next start finds it after a
// SIGKILL: a temporary file of an interrupted write is removed, an entry whose server answered
// (a plain engine answers 404: no router, nothing to release) is forgotten, and one whose
// server is gone stays for the start after.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfigYaml, parseMiniConfig, readDefaultConfigText } from "@thunderagent/agent-core";
import { startEngineServer } from "@thunderagent/engine-sim";
import { afterEach, describe, expect, it } from "vitest";
import { ProgramJournal, recoverPrograms } from "../src/run/program-journal.js";

const config = parseMiniConfig(parseConfigYaml(readDefaultConfigText()));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function output(): string {
  const d = mkdtempSync(join(tmpdir(), "ta-journal-"));
  dirs.push(d);
  return d;
}

describe("recoverPrograms", () => {
  it("removes an interrupted write's temporary file and forgets what it released", async () => {
    const out = output();
    const journal = new ProgramJournal(out);
    const engine = await startEngineServer({
      instant: true,
      kvTokens: 100_000,
      maxModelLen: 32_768,
      seed: 1,
    });
    try {
      const entry = (id: string, base: string) => ({
        program_id: id,
        run_id: "run-1",
        base_url: base,
        environment_class: "local",
      });
      await journal.record(entry("released", `${engine.url}/v1`));
      await journal.record(entry("router-gone", "http://127.0.0.1:9/v1"));
      // What write-file-atomic leaves when the process dies between its write and its rename.
      writeFileSync(join(journal.dir, "thunderagent__calc-4.json.1234567"), '{"program_id":');
      const result = await recoverPrograms(out, config);
      expect(result).toMatchObject({ released: 1, failed: 1 });
      expect(readdirSync(journal.dir)).toEqual(["router-gone.json"]);
    } finally {
      await engine.close();
    }
  });
});
