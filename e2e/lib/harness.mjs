// Shared helpers for Janu's browser tests. A test script is a plain ES module
// run by node from crates/janu-server/tests/e2e_*.rs (see
// crates/janu-server/tests/support/browser.rs), which sets:
//   JANU_URL              the server under test, e.g. http://127.0.0.1:40123
//   JANU_E2E_ARTIFACTS    folder for screenshots (target/e2e-artifacts/<test>/)
//   JANU_CHROMIUM         the Chromium binary (Debian's /usr/bin/chromium)
//   JANU_E2E_CHROMIUM_ARGS extra Chromium flags, space separated (e.g. a fake camera)
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const BASE = process.env.JANU_URL;
export const ARTIFACTS = process.env.JANU_E2E_ARTIFACTS || ".";

// Headless, no sandbox (containers run as root), and no traffic of its own:
// the browser talks to the server under test and nothing else.
export const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launch Chromium with a fresh profile. Returns { context, close }. */
export async function launch({ extraArgs = [], ...contextOptions } = {}) {
  if (!BASE) throw new Error("JANU_URL is not set: run this from the Rust test");
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "janu-e2e-profile-"));
  const fromEnv = (process.env.JANU_E2E_CHROMIUM_ARGS || "").split(/\s+/).filter(Boolean);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.JANU_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [...LAUNCH_ARGS, ...fromEnv, ...extraArgs],
    viewport: { width: 1280, height: 900 },
    baseURL: BASE,
    ...contextOptions,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

/** A new page that fails the test on any uncaught script error. */
export async function newPage(context) {
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    console.error(`page error on ${page.url()}: ${e.message}`);
    process.exitCode = 1;
  });
  page.on("console", (m) => {
    if (m.type() === "error") console.error(`console error on ${page.url()}: ${m.text()}`);
  });
  return page;
}

/** Save a full-page screenshot as ARTIFACTS/<name>.png. */
export async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
  return file;
}

/** A check a person would notice; throws with `what` when it fails. */
export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

/** Run `steps(context)`; on failure keep a screenshot of every open page. */
export async function run(steps, options = {}) {
  const { context, close } = await launch(options);
  try {
    await steps(context);
  } catch (e) {
    console.error(e);
    let i = 0;
    for (const p of context.pages()) {
      await shot(p, `failure-${i++}`).catch(() => {});
    }
    process.exitCode = 1;
  } finally {
    await close();
  }
}

/**
 * Sign in as a person would: the header's "Sign in" link, then the form.
 * The form sends the browser back to the page it came from.
 */
export async function signIn(page, handle, password) {
  await page.click('.who a[href^="/login"]');
  await page.fill('#credentials input[name="handle"]', handle);
  await page.fill('#credentials input[name="password"]', password);
  await page.click('#credentials button[type="submit"]');
  await page.waitForSelector('[data-testid="handle"]');
}
