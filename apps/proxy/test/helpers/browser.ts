/**
 * Headless Chromium for the dashboard's end-to-end tests: Debian's `chromium` (apt; `.ci/run`
 * installs it) driven by `playwright-core`, which downloads no browser. `CHROMIUM_PATH` overrides
 * where it is looked for. Without it the tests skip with a message, unless REQUIRE_CHROMIUM=1
 * (set by `.ci/run`), in which case they fail.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";

export const REQUIRE_CHROMIUM = process.env["REQUIRE_CHROMIUM"] === "1";

const CANDIDATES = [
  process.env["CHROMIUM_PATH"],
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/lib/chromium/chromium",
].filter((p): p is string => typeof p === "string" && p.length > 0);

/** The browser binary, or null. */
export const CHROMIUM = CANDIDATES.find((p) => existsSync(p)) ?? null;

export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error("no chromium (apt-get install chromium, or set CHROMIUM_PATH)");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI's container: Chromium's sandbox needs user namespaces it may not have.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

/** Every console error and uncaught page error of `page`, as text. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return errors;
}
