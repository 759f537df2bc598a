// Janu's in-browser pose engine against MediaPipe's own web solution
// (@mediapipe/pose, the package Janu takes its models from), in one headless
// Chromium, on the same frames: a fake camera playing a video made from real
// photos by crates/janu-server/benches/web_engine.rs, which also prepares
// JANU_BENCH_DIR:
//   janu/    janu_web.js and janu_web_bg.wasm (the engine janu serve embeds)
//   models/  the prepared models janu serves to the page
//   mp/      the @mediapipe/pose package
// The frames are grabbed from the camera first, then each engine runs on all
// of them in turn, on the page's main thread, one frame at a time: frames a
// second (1 / mean time of a frame, from the picture to the landmarks) and
// landmark agreement (mean distance between the two engines' 33 landmarks,
// in pixels of the 640 x 480 picture, where both see a person).
// Prints one JSON line: {"janu": {...}, "mediapipe": {...}}.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { run } from "./lib/harness.mjs";

const DIR = process.env.JANU_BENCH_DIR;
const FRAMES = Number(process.env.JANU_BENCH_FRAMES || 150);
const SIZES = (process.env.JANU_BENCH_SIZES || "lite,full,heavy").split(",");
// Frames run first and not timed: compilation, caches, the tracker settling.
const WARM_UP = 10;

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html",
  ".data": "application/octet-stream", ".tflite": "application/octet-stream",
  ".binarypb": "application/octet-stream" };

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<video id="v" playsinline muted></video><canvas id="c" width="640" height="480"></canvas>
<script src="/mp/pose.js"></script><script type="module" src="/bench.js"></script>`;

const BENCH = String.raw`
import init, { Engine } from "/janu/janu_web.js";
const FRAMES = ${FRAMES}, WARM_UP = ${WARM_UP}, SIZES = ${JSON.stringify(SIZES)};
const COMPLEXITY = { lite: 0, full: 1, heavy: 2 };
const bytes = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const pct = (a, q) => { const s = a.slice().sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.round((s.length - 1) * q))]; };

async function grab() {
  const v = document.getElementById("v");
  v.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  await v.play();
  const out = [];
  // One grab per camera frame (the camera plays at 30 fps).
  while (out.length < FRAMES + WARM_UP) {
    await new Promise((r) => setTimeout(r, 1000 / 30));
    out.push(await createImageBitmap(v));
  }
  console.log("grabbed " + out.length + " frames");
  v.srcObject.getTracks().forEach((t) => t.stop());
  return out;
}

async function janu(frames, size) {
  await init();
  console.log("janu " + size + " starting");
  const e = new Engine(await bytes("/models/pose_detection.tflite"),
    await bytes("/models/pose_landmark_" + size + ".tflite"), size, false);
  const c = new OffscreenCanvas(640, 480), ctx = c.getContext("2d", { willReadFrequently: true });
  const times = [], marks = [];
  frames.forEach((f, i) => {
    const t0 = performance.now();
    ctx.drawImage(f, 0, 0);
    const img = ctx.getImageData(0, 0, 640, 480);
    const step = JSON.parse(e.push(img.data, 640, 480, i * 1000 / 30));
    if (i >= WARM_UP) { times.push(performance.now() - t0); marks.push(step.landmarks); }
  });
  e.free();
  return { times, marks };
}

async function mediapipe(frames, size) {
  const pose = new Pose({ locateFile: (f) => "/mp/" + f });
  pose.setOptions({ modelComplexity: COMPLEXITY[size], smoothLandmarks: true, enableSegmentation: false });
  let latest = null;
  pose.onResults((r) => { latest = r.poseLandmarks || null; });
  await pose.initialize();
  console.log("mediapipe " + size + " ready");
  const c = document.getElementById("c"), ctx = c.getContext("2d");
  const times = [], marks = [];
  for (let i = 0; i < frames.length; i++) {
    const t0 = performance.now();
    ctx.drawImage(frames[i], 0, 0);
    latest = null;
    await pose.send({ image: c });
    if (i >= WARM_UP) {
      times.push(performance.now() - t0);
      marks.push(latest ? latest.map((p) => [p.x, p.y, p.visibility]) : null);
    }
  }
  await pose.close();
  return { times, marks };
}

function summary(r) {
  const ms = mean(r.times);
  return { fps: 1000 / ms, mean_ms: ms, p50_ms: pct(r.times, 0.5), p95_ms: pct(r.times, 0.95),
    found: r.marks.filter(Boolean).length, frames: r.marks.length };
}

function agreement(a, b) {
  const d = [];
  a.marks.forEach((m, i) => {
    const n = b.marks[i];
    if (!m || !n) return;
    for (let k = 0; k < 33; k++) d.push(Math.hypot((m[k][0] - n[k][0]) * 640, (m[k][1] - n[k][1]) * 480));
  });
  return d.length ? { mean_px: mean(d), p50_px: pct(d, 0.5), p95_px: pct(d, 0.95), frames: d.length / 33 } : null;
}

window.bench = async () => {
  const frames = await grab();
  const out = { frames: FRAMES, sizes: {} };
  for (const size of SIZES) {
    const j = await janu(frames, size);
    const m = await mediapipe(frames, size);
    out.sizes[size] = { janu: summary(j), mediapipe: summary(m), agreement: agreement(j, m) };
  }
  return out;
};
window.benchReady = true;
`;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/bench.html") { res.writeHead(200, { "content-type": "text/html" }); return res.end(PAGE); }
  if (url.pathname === "/bench.js") { res.writeHead(200, { "content-type": "text/javascript" }); return res.end(BENCH); }
  const file = path.join(DIR, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ""));
  if (!file.startsWith(DIR) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404); return res.end();
  }
  res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

await run(async (context) => {
  const page = await context.newPage();
  page.on("console", (m) => console.error("page: " + m.text()));
  page.on("pageerror", (e) => console.error("page error: " + e.message));
  await page.goto(base + "/bench.html");
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
  const result = await page.evaluate(() => window.bench());
  console.log("BENCH " + JSON.stringify(result));
});
server.close();
