// The HTML report in a real browser: each report file written by the Rust test
// (JANU_E2E_REPORTS = "name=path,..."), then the same report served by the web
// app after uploading JANU_E2E_UPLOAD. Checks what a reader would notice and
// keeps a screenshot of every page.
import { check, newPage, run, shot, signIn } from "./lib/harness.mjs";

const REPORTS = (process.env.JANU_E2E_REPORTS || "").split(",").filter(Boolean)
  .map((kv) => { const i = kv.indexOf("="); return [kv.slice(0, i), kv.slice(i + 1)]; });
const UPLOAD = process.env.JANU_E2E_UPLOAD;
const ANALYSIS_TIMEOUT_MS = 5 * 60 * 1000;

/** Every chart is an SVG with a real size and something drawn in it. */
async function checkCharts(page, name) {
  const charts = page.locator('[data-testid^="chart-"]');
  const n = await charts.count();
  for (let i = 0; i < n; i++) {
    const c = charts.nth(i);
    const id = await c.getAttribute("data-testid");
    const svg = c.locator("svg");
    await svg.scrollIntoViewIfNeeded();
    const box = await svg.boundingBox();
    check(box && box.width > 300 && box.height > 60, `${name}: ${id} is drawn (${box && Math.round(box.width)}x${box && Math.round(box.height)})`);
    // Drawn data: bars and bands (rect, path) or a line through more than two
    // points; grid lines and labels alone do not count.
    const marks = await svg.locator("polyline, rect, path").count();
    const points = await svg.evaluate((el) =>
      [...el.querySelectorAll("polyline")].reduce((n, p) => n + p.points.numberOfItems, 0));
    check(marks > 2 || (marks >= 1 && points > 2),
      `${name}: ${id} has ${marks} marks (${points} line points)`);
  }
  return n;
}

/** Every key frame is a decoded, visible picture. */
async function checkFrames(page, name) {
  const imgs = page.locator('[data-testid="key-frame"] img');
  const n = await imgs.count();
  for (let i = 0; i < n; i++) {
    const img = imgs.nth(i);
    await img.scrollIntoViewIfNeeded();
    const ok = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
    check(ok, `${name}: key frame ${i + 1} is decoded`);
    const box = await img.boundingBox();
    check(box && box.width > 150, `${name}: key frame ${i + 1} is shown ${box && Math.round(box.width)} px wide`);
  }
  return n;
}

async function noSidewaysScroll(page, name) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `${name}: no sideways scrolling (overflow ${overflow}px)`);
}

await run(async (context) => {
  const page = await newPage(context);
  const requests = [];
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });

  for (const [name, file] of REPORTS) {
    await page.goto("file://" + file);
    await page.waitForSelector('[data-testid="report"]');
    check((await page.textContent('[data-testid="pose-call"]')).trim().length > 5, `${name}: says what it sees`);
    const charts = await checkCharts(page, name);
    const frames = await checkFrames(page, name);
    if (name === "photo") {
      check(charts === 0, "photo: no time plots");
      check(frames === 1, "photo: the photo with its skeleton");
    } else {
      check(charts >= 2, `${name}: ${charts} charts`);
      check(frames >= 1, `${name}: ${frames} key frames`);
    }
    if (name === "practice") {
      for (const id of ["side-left", "side-right", "chart-fold-left", "chart-fold-right",
        "chart-breath-left", "chart-breath-right", "comparison", "chart-compare"]) {
        check((await page.locator(`[data-testid="${id}"]`).count()) === 1, `practice: has ${id}`);
      }
    }
    if (name === "one-side") {
      check((await page.locator('[data-testid="finding"]').count()) >= 1, "one-side: the planted mistake is shown");
      check((await page.locator('[data-testid="comparison"]').count()) === 0, "one-side: no comparison with one side");
    }
    if (name === "hidden-leg") {
      const note = page.locator('[data-testid="bent-leg-note"]');
      check((await note.count()) === 1 && (await note.isVisible()), "hidden-leg: says the bent leg was not seen");
    }
    await noSidewaysScroll(page, name);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, name);
  }
  check(requests.length === 0, `the reports fetch nothing (${requests.join(" ")})`);

  // The practice report on a phone.
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  const practice = REPORTS.find(([n]) => n === "practice");
  if (practice) {
    await phone.goto("file://" + practice[1]);
    await noSidewaysScroll(phone, "practice on a phone");
    await shot(phone, "practice-phone");
  }

  // The same report served by the web app after an upload.
  if (UPLOAD) {
    await page.goto("/");
    await signIn(page, process.env.JANU_E2E_HANDLE, process.env.JANU_E2E_PASSWORD);
    await page.goto("/upload");
    await page.setInputFiles("#file", UPLOAD);
    await page.click("#send");
    await page.waitForURL(/\/sessions\/\d+$/, { timeout: ANALYSIS_TIMEOUT_MS });
    await page.waitForSelector('[data-testid="report"]');
    const charts = await checkCharts(page, "served");
    const frames = await checkFrames(page, "served");
    check(charts >= 4 && frames >= 2, `served: ${charts} charts and ${frames} key frames`);
    check((await page.locator('[data-testid="no-media"]').count()) === 0, "served: the key frames were kept");
    await noSidewaysScroll(page, "served");
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "served-practice");
    await phone.goto(page.url());
    await noSidewaysScroll(phone, "served on a phone");
    await shot(phone, "served-practice-phone");
  }
});
