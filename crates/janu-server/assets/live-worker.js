// Janu's pose engine in a Web Worker (a module worker started by live.js):
// the WebAssembly build of the server's own estimator and live coach
// (crates/janu-web). Camera pictures come in as ImageBitmaps and never leave
// this device; out go the skeleton and the coach's words for each frame and,
// at the end, the session's landmark file for the history.
//
// Messages in:  {type: "load", engine, detector, landmark, model, mirrored, bytes}
//               {type: "frame", id, bitmap, t}   {type: "mirrored", value}
//               {type: "finish"}
// Messages out: {type: "progress", loaded, total}  {type: "ready", load_ms}
//               {type: "step", id, step, model_ms}  {type: "file", file, frames}
//               {type: "error", message, fatal}

let engine = null;
let canvas = null;
let ctx = null;

async function fetchBytes(url, onBytes) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(url + ": the server answered " + res.status);
  if (!res.body || !res.body.getReader) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onBytes(buf.length);
    return buf;
  }
  const reader = res.body.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
    onBytes(value.length);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

async function load(m) {
  const started = performance.now();
  const glue = await import(m.engine);
  await glue.default();
  let loaded = 0;
  const onBytes = (k) => {
    loaded += k;
    postMessage({ type: "progress", loaded: loaded, total: m.bytes || 0 });
  };
  const [detector, landmark] = await Promise.all([
    fetchBytes(m.detector, onBytes),
    fetchBytes(m.landmark, onBytes),
  ]);
  engine = new glue.Engine(detector, landmark, m.model, !!m.mirrored);
  postMessage({ type: "ready", load_ms: performance.now() - started });
}

function pixels(bitmap) {
  const w = bitmap.width, h = bitmap.height;
  if (!canvas || canvas.width !== w || canvas.height !== h) {
    canvas = new OffscreenCanvas(w, h);
    ctx = canvas.getContext("2d", { willReadFrequently: true });
  }
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, w, h);
}

self.onmessage = async (ev) => {
  const m = ev.data;
  try {
    if (m.type === "load") {
      await load(m);
    } else if (m.type === "frame") {
      if (!engine) { m.bitmap.close(); return; }
      const image = pixels(m.bitmap);
      const t0 = performance.now();
      const step = JSON.parse(engine.push(image.data, image.width, image.height, m.t));
      postMessage({ type: "step", id: m.id, step: step, model_ms: performance.now() - t0 });
    } else if (m.type === "mirrored") {
      if (engine) engine.setMirrored(!!m.value);
    } else if (m.type === "finish") {
      const file = engine ? engine.landmarkFile() : new Uint8Array(0);
      postMessage({ type: "file", file: file, frames: engine ? engine.frames() : 0 }, [file.buffer]);
    }
  } catch (e) {
    postMessage({
      type: "error",
      message: String((e && e.message) || e),
      fatal: m.type === "load",
      id: m.id,
    });
  }
};
