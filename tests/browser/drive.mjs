// Drives the browser example (examples/browser/, served by `gatehouse --dev` at /dev/) in
// Debian's headless Chromium through playwright-core, and exits non-zero with a message when
// the page does not do its job. tests/e2e/browser_test.cpp runs it against a real server.
//
//   node drive.mjs --base-url http://127.0.0.1:8080 [--screenshots DIR] [--expect-from-test]
//   node drive.mjs --smoke      (only launches Chromium headless on about:blank)
//
// With --expect-from-test the script prints "ready research=<id> device=<device id>" once both
// streams are open and the page's first event arrived in both lists, then waits for an event
// whose data has "from":"test", which the test posts over HTTP as the same device.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const WAIT_MS = 30000;  // per awaited DOM change (generous for a loaded machine); each wait ends when the change happens

const { values: opts } = parseArgs({
  options: {
    "base-url": { type: "string" },
    screenshots: { type: "string" },
    "expect-from-test": { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
  },
});

function fail(message) {
  console.error(`drive.mjs: FAILED: ${message}`);
  process.exitCode = 1;
}

function executablePath() {
  return process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
}

async function launch() {
  const args = ["--disable-dev-shm-usage"];  // containers often have a tiny /dev/shm
  // Chromium's sandbox refuses to start as root, and a container running as root (CI, the
  // fresh-machine check) has no unprivileged user namespaces for it; the page under test is
  // our own example on loopback, so running it unsandboxed there is acceptable.
  if (process.getuid && process.getuid() === 0) args.push("--no-sandbox");
  return chromium.launch({ executablePath: executablePath(), headless: true, args });
}

async function smoke() {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto("about:blank");
    console.log(`smoke: ${executablePath()} ${browser.version()} launched headless`);
  } finally {
    await browser.close();
  }
}

// Both lists show the event of this seq.
async function waitForEventInBothLists(page, seq, what) {
  for (const list of ["sse", "ws"]) {
    try {
      await page.waitForSelector(`#${list}-events li[data-seq="${seq}"]`, { timeout: WAIT_MS });
    } catch {
      throw new Error(`${what} (seq ${seq}) did not appear in the ${list.toUpperCase()} list`);
    }
  }
}

async function drive(baseUrl, screenshots) {
  const shot = async (page, name) => {
    if (screenshots) await page.screenshot({ path: join(screenshots, name), fullPage: true });
  };
  const problems = [];
  const browser = await launch();
  const page = await browser.newPage();
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    // A policy violation means the page needs something its Content-Security-Policy forbids.
    if (/Content Security Policy/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  try {
    const res = await page.goto(`${baseUrl}/dev/`);
    if (!res || res.status() !== 200) throw new Error(`GET /dev/ answered ${res && res.status()}`);
    await page.waitForSelector("[data-testid=sign-in]:not([disabled])", { timeout: WAIT_MS });
    await shot(page, "01-loaded.png");

    await page.click("[data-testid=sign-in]");
    await page.waitForSelector("[data-testid=whoami][data-principal-id]", { timeout: WAIT_MS });
    await page.waitForSelector("[data-testid=sse-state][data-state=open]", { timeout: WAIT_MS });
    await page.waitForSelector("[data-testid=ws-state][data-state=open]", { timeout: WAIT_MS });
    await page.waitForSelector("[data-testid=post-event]:not([disabled])", { timeout: WAIT_MS });
    const whoami = await page.textContent("[data-testid=whoami]");
    if (!/anonymous/.test(whoami)) throw new Error(`whoami shows "${whoami}", not an anonymous session`);
    await shot(page, "02-signed-in.png");

    await page.click("[data-testid=post-event]");
    await waitForEventInBothLists(page, 1, "the event posted from the page");

    let seq = 1;
    if (opts["expect-from-test"]) {
      const research = await page.textContent("[data-testid=research-id]");
      const device = await page.textContent("[data-testid=device-id]");
      console.log(`ready research=${research} device=${device}`);
      seq += 1;
      await waitForEventInBothLists(page, seq, "the event posted over HTTP by the test");
      for (const list of ["sse", "ws"]) {
        const text = await page.textContent(`#${list}-events li[data-seq="${seq}"]`);
        if (!text.includes('"from":"test"')) throw new Error(`${list} list shows seq ${seq} as "${text}"`);
      }
    }

    seq += 1;
    await page.fill("[data-testid=event-name]", "finished-step");
    await page.click("[data-testid=post-event]");
    await waitForEventInBothLists(page, seq, "a second event posted from the page");
    for (const list of ["sse", "ws"]) {
      const name = await page.getAttribute(`#${list}-events li[data-seq="${seq}"]`, "data-event");
      if (name !== "finished-step") throw new Error(`${list} list names seq ${seq} "${name}"`);
      const count = await page.locator(`#${list}-events li`).count();
      if (count !== seq) throw new Error(`${list} list has ${count} entries for ${seq} events`);
    }
    await shot(page, "03-live-events.png");
    if (problems.length) throw new Error(problems.join("; "));
    console.log(`ok: ${seq} events arrived in both lists`);
  } catch (err) {
    await shot(page, "failure.png").catch(() => {});
    throw err;
  } finally {
    await browser.close();
  }
}

try {
  if (opts.smoke) {
    await smoke();
  } else {
    if (!opts["base-url"]) throw new Error("--base-url is required (or --smoke)");
    if (opts.screenshots) mkdirSync(opts.screenshots, { recursive: true });
    await drive(opts["base-url"].replace(/\/$/, ""), opts.screenshots);
  }
} catch (err) {
  fail(err.message);
}
