// The pages a person uses, in a real browser: sign in, screen, plan, the pose,
// upload a real photo and a landmark file and read the reports, then the history.
import { BASE, check, newPage, run, shot, signIn } from "./lib/harness.mjs";

const HANDLE = process.env.JANU_E2E_HANDLE || "e2e-ana";
const PASSWORD = process.env.JANU_E2E_PASSWORD;
const PHOTO = process.env.JANU_E2E_PHOTO;
const LANDMARKS = process.env.JANU_E2E_LANDMARKS;
// The first photo may install the pose models (a download and a conversion).
const ANALYSIS_TIMEOUT_MS = 10 * 60 * 1000;

await run(async (context) => {
  const page = await newPage(context);

  await page.goto("/");
  check((await page.title()).includes("Janu"), "home page has a title");
  for (const href of ["/screen", "/plan", "/live", "/upload", "/history", "/pose"]) {
    check((await page.locator(`header nav a[href="${href}"]`).count()) === 1, `nav links to ${href}`);
  }
  await shot(page, "01-home");

  // Sign in with the account the studio made.
  await signIn(page, HANDLE, PASSWORD);

  // The account page: a personal API token, shown once, through a form that
  // carries the page's CSRF token.
  await page.goto("/account");
  await page.fill('input[name="name"]', "e2e laptop");
  await page.click('form[action="/account/tokens"] button[type="submit"]');
  await page.waitForSelector('[data-testid="new-token"]');
  check((await page.textContent('[data-testid="new-token"]')).startsWith("janu_pat_"), "a new API token is shown");
  await shot(page, "01-account");
  check((await page.textContent('[data-testid="handle"]')) === HANDLE, "signed in as the handle");

  // Screening: pregnancy without a trimester is refused, with it answered.
  await page.goto("/screen");
  await page.check('input[name="condition"][value="pregnancy"]');
  await page.click('form.card button[type="submit"]');
  await page.waitForSelector('[role="alert"]');
  check((await page.textContent('[role="alert"]')).includes("trimester"), "screening asks for the trimester");
  await page.selectOption('select[name="trimester"]', "3");
  await page.click('form.card button[type="submit"]');
  await page.waitForSelector('[data-testid="decision"]');
  const decision = await page.textContent('[data-testid="decision"]');
  check(["proceed", "modify", "supervised", "avoid"].includes(decision), `screening decides: ${decision}`);
  await shot(page, "02-screen");

  // Plan builder.
  await page.goto("/plan");
  await page.selectOption('select[name="level"]', "intermediate");
  await page.fill('input[name="minutes"]', "30");
  await page.check('input[name="goal"][value="hip-asymmetry"]');
  await page.selectOption('select[name="tighter_side"]', "left");
  await page.click('form.card button[type="submit"]');
  await page.waitForSelector('[data-testid="plan-steps"]');
  const steps = await page.locator('[data-testid="plan-steps"] > li').count();
  check(steps >= 5, `the plan has ${steps} steps`);
  check((await page.locator(".side.left").count()) > 0 && (await page.locator(".side.right").count()) > 0,
    "the plan works both sides");
  await shot(page, "03-plan");

  // The knowledge.
  await page.goto("/pose");
  await page.click('a[href="/pose/mistakes"]');
  await page.waitForSelector("h1");
  check((await page.locator(".item").count()) >= 6, "the mistakes topic lists the mistakes");
  await shot(page, "04-pose-mistakes");

  // Upload a real photo and read its report.
  if (PHOTO) {
    await page.goto("/upload");
    await page.setInputFiles("#file", PHOTO);
    await page.click("#send");
    await page.waitForSelector("#progress:not([hidden])");
    await page.waitForURL(/\/sessions\/\d+$/, { timeout: ANALYSIS_TIMEOUT_MS });
    await page.waitForSelector('[data-testid="report"]');
    const call = await page.textContent('[data-testid="pose-call"]');
    check(call.length > 5, `the photo report says what it sees: ${call.trim()}`);
    await shot(page, "05-photo-report");
  }

  // Upload a landmark file of a whole practice (both sides).
  if (LANDMARKS) {
    await page.goto("/upload");
    await page.setInputFiles("#file", LANDMARKS);
    await page.click("#send");
    await page.waitForURL(/\/sessions\/\d+$/, { timeout: ANALYSIS_TIMEOUT_MS });
    await page.waitForSelector('[data-testid="report"]');
    check((await page.locator(".report table tbody tr").count()) >= 2, "the practice report has both sides");
    await shot(page, "06-practice-report");
  }

  // A bad file gets a clear message on the page.
  await page.goto("/upload");
  await page.setInputFiles("#file", { name: "notes.mp4", mimeType: "video/mp4", buffer: Buffer.from("not a video at all\n".repeat(20)) });
  await page.click("#send");
  await page.waitForSelector("#upload-error:not([hidden])");
  const err = await page.textContent("#upload-error");
  check(err.includes("notes.mp4"), `a bad file is refused: ${err}`);
  const stageText = await page.textContent("#stage");
  check(!stageText.includes("Sending"), `the progress box no longer says it is sending: ${stageText}`);
  await shot(page, "07-upload-error");

  // History: the sessions and the charts.
  await page.goto("/history");
  const rows = await page.locator('[data-testid="sessions"] tbody tr').count();
  const expected = Number(process.env.JANU_E2E_MIN_SESSIONS || 1);
  check(rows >= expected, `history lists ${rows} sessions (at least ${expected})`);
  for (const id of ["fold", "hold", "asymmetry", "mistakes"]) {
    check((await page.locator(`[data-testid="chart-${id}"]`).count()) === 1, `history has the ${id} chart`);
  }
  check((await page.locator('[data-testid="chart-fold"] svg circle').count()) >= 2, "the fold chart has points");
  await shot(page, "08-history");

  // The same on a phone.
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto("/history");
  await phone.waitForSelector('[data-testid="chart-fold"]');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no sideways scrolling on a phone (overflow ${overflow}px)`);
  await shot(phone, "09-history-phone");
  await phone.goto("/");
  await shot(phone, "10-home-phone");
  console.log(`done against ${BASE}`);
});
