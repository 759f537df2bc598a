// Janu live coaching. Where the browser can (WebAssembly SIMD, module workers,
// OffscreenCanvas) and this server carries the engine, the pose model and the
// coach run on this device in live-worker.js and only the session's landmark
// file goes to the server, on Stop. Otherwise the webcam's frames go to
// /api/live and the server answers (docs/live-protocol.md). No libraries.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;

  var FPS = Number(root.dataset.fps) || 15;
  var WIDTH = Number(root.dataset.width) || 480;
  var MAX_BYTES = Number(root.dataset.maxBytes) || 1048576;
  var SKELETON = JSON.parse(root.dataset.skeleton || "[]");
  // At most this many frames sent and not yet answered: when the server is
  // slower than the camera, frames are skipped here, never queued.
  var MAX_IN_FLIGHT = 2;
  // A frame unanswered for this long is given up (the server dropped it).
  var GIVE_UP_MS = 3000;
  // JPEG quality of the frames: small to send, plenty for the pose model.
  var JPEG_QUALITY = 0.7;
  // Window over which dropped frames are shown, milliseconds.
  var SLOW_WINDOW_MS = 5000;
  var HEADER_BYTES = 20;
  var COLOURS = { l: "#4299e1", r: "#ed8936", c: "#e2e8f0" };
  var PHASES = { setup: "Setting up", lengthen: "Lengthening", fold: "Folding",
    hold: "Holding", release: "Coming up" };
  var POSES = { janusirsasana: "Janusirsasana", parivrtta_janusirsasana: "Revolved head-to-knee",
    paschimottanasana: "Seated forward bend", dandasana: "Staff pose (Dandasana)",
    baddha_konasana: "Bound angle", upavistha_konasana: "Wide-angle seated bend",
    ardha_matsyendrasana: "Seated twist", other: "Another position" };

  // Frames a second the on-device engine is given at most: more than the
  // coach needs, and a phone's battery is spared.
  var DEVICE_MAX_FPS = 30;
  // Width of the pictures given to the on-device engine, pixels: a webcam's
  // 640 x 480 as it is; nothing is sent, so nothing needs shrinking.
  var DEVICE_WIDTH = 640;
  // A WebAssembly module using one SIMD128 instruction: it validates only in
  // browsers that run SIMD (the probe of the wasm-feature-detect project).
  var SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3,
    2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

  var $ = function (id) { return document.getElementById(id); };
  var video = $("video"), overlay = $("overlay"), ctx = overlay.getContext("2d");
  var startBtn = $("start"), stopBtn = $("stop"), mute = $("mute"), mirrored = $("mirrored");
  var facing = $("facing");
  facing.value = localStorage.getItem("janu-facing") === "environment" ? "environment" : "user";
  facing.addEventListener("change", function () { localStorage.setItem("janu-facing", facing.value); });
  var grab = document.createElement("canvas");

  var stream = null, ws = null, timer = null, nextId = 1;
  var sent = new Map();          // frame id -> time sent (performance.now())
  var drops = [];                // times of frames dropped (here or on the server)
  var latencies = [];            // last round trips, ms
  var stats = { sent: 0, answered: 0, skipped: 0, serverDropped: 0 };
  window.janu = { stats: stats, spoken: [] }; // for people debugging, and for the tests

  // Where the model runs: on this device when it can, else on the server.
  function chooseMode() {
    var asked = new URLSearchParams(location.search).get("engine");
    if (asked === "server") return { device: false, why: "chosen with ?engine=server" };
    if (!root.dataset.engine) return { device: false, why: "this server has no in-browser engine" };
    var simd = false;
    try { simd = typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE); } catch (e) { simd = false; }
    if (!simd) return { device: false, why: "this browser lacks WebAssembly SIMD" };
    if (typeof Worker !== "function" || typeof OffscreenCanvas !== "function" ||
        typeof createImageBitmap !== "function") {
      return { device: false, why: "this browser lacks OffscreenCanvas" };
    }
    return { device: true };
  }
  var MODE = chooseMode();
  window.janu.mode = MODE.device ? "device" : "server";
  $("engine-mode").textContent = MODE.device
    ? "The pose model runs on this device: your camera's pictures never leave it. Only the " +
      "session's landmarks go to the server, when you press Stop."
    : "The pose model runs on the Janu server (" + MODE.why + "): pictures go to it, are " +
      "analysed as they arrive, and are not stored.";
  if (MODE.device && "serviceWorker" in navigator) {
    // Keeps the page, the engine and the models for offline use.
    navigator.serviceWorker.register("/sw.js").catch(function () { /* works without */ });
  }

  mute.checked = localStorage.getItem("janu-mute") === "1";
  mute.addEventListener("change", function () {
    localStorage.setItem("janu-mute", mute.checked ? "1" : "0");
    if (mute.checked && window.speechSynthesis) speechSynthesis.cancel();
  });
  mirrored.addEventListener("change", function () {
    if (worker) worker.postMessage({ type: "mirrored", value: mirrored.checked });
    if (ws && ws.readyState === 1) {
      ws.send(JSON.stringify({ type: "settings", mirrored: mirrored.checked }));
    }
    $("mirror-note").textContent = mirrored.checked
      ? "Janu swaps left and right back, because your camera mirrors its picture."
      : "The preview is shown like a mirror. Janu reads left and right from the camera's own picture; tick the box above only if your camera already flips it.";
  });

  function status(text) { $("status").textContent = text; }
  function error(text) {
    var e = $("live-error");
    e.textContent = text;
    e.hidden = !text;
  }

  function cameraError(e) {
    var name = e && e.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "Janu could not use your camera: access was refused. Allow the camera for this " +
        "site (the camera icon in the address bar), then press Start again. Pictures go only " +
        "to this Janu server and are not stored.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      return "No camera was found. Plug one in (or close other programs using it) and press Start again.";
    }
    if (name === "NotReadableError") {
      return "The camera is busy in another program. Close it there and press Start again.";
    }
    return "The camera could not be started" + (e && e.message ? ": " + e.message : "") + ".";
  }

  async function start() {
    error("");
    $("summary").hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      error("This browser gives the camera only to pages on https:// or on localhost. " +
        "Open Janu at http://localhost or behind https.");
      return;
    }
    startBtn.disabled = true;
    status("Asking for the camera…");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: facing.value },
        audio: false,
      });
    } catch (e) {
      error(cameraError(e));
      status("Camera off.");
      startBtn.disabled = false;
      return;
    }
    video.srcObject = stream;
    try { await video.play(); } catch (e) { /* autoplay of a muted video is allowed */ }
    $("camera-off").hidden = true;
    if (MODE.device) {
      startDevice();
    } else {
      status("Connecting…");
      connect();
    }
  }

  // ---- On this device: live-worker.js runs the engine.
  var worker = null, busy = false, pumpTimer = null, stopping = false, lastSent = 0, sentAt = 0;
  var rate = [];                 // times of the last answered frames, for frames a second

  function startDevice() {
    stopping = false;
    busy = false;
    pending = null;
    status("Loading the pose model…");
    worker = new Worker("/assets/live-worker.js", { type: "module" });
    worker.onmessage = function (ev) {
      var m = ev.data;
      if (m.type === "progress") {
        status("Loading the pose model… " +
          (m.total ? Math.min(100, Math.round(100 * m.loaded / m.total)) + "%" : ""));
      } else if (m.type === "ready") {
        startBtn.hidden = true;
        stopBtn.hidden = false;
        stopBtn.disabled = false;
        status("Live on this device (" + (root.dataset.model || "full") + " model).");
        pump();
      } else if (m.type === "step") {
        onStep(m);
      } else if (m.type === "file") {
        saveDevice(m.file);
      } else if (m.type === "error") {
        if (m.fatal) {
          error("The pose model could not start on this device (" + m.message + "). Add " +
            "?engine=server to the address to let the server run it.");
          endDevice();
        } else {
          busy = false;
          pump();
        }
      }
    };
    worker.onerror = function (e) {
      error("The pose model stopped on this device" + (e && e.message ? ": " + e.message : "") + ".");
      endDevice();
    };
    worker.postMessage({
      type: "load", engine: root.dataset.engine, detector: root.dataset.detector,
      landmark: root.dataset.landmark, model: root.dataset.model || "full",
      mirrored: mirrored.checked, bytes: Number(root.dataset.modelBytes) || 0,
    });
  }

  // Give the engine the next picture when it is free, at most DEVICE_MAX_FPS.
  function pump() {
    pumpTimer = null;
    if (!worker || busy || stopping || !stream) return;
    var now = performance.now();
    var wait = 1000 / DEVICE_MAX_FPS - (now - lastSent);
    if (!video.videoWidth || wait > 0) {
      pumpTimer = setTimeout(pump, Math.max(wait, 10));
      return;
    }
    var scale = Math.min(1, DEVICE_WIDTH / video.videoWidth);
    var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
    busy = true;
    lastSent = now;
    createImageBitmap(video, { resizeWidth: w, resizeHeight: h, resizeQuality: "medium" }).then(function (bmp) {
      if (!worker) { bmp.close(); return; }
      sentAt = performance.now();
      worker.postMessage({ type: "frame", id: nextId++, bitmap: bmp, t: now }, [bmp]);
      stats.sent++;
    }, function () {
      busy = false;
      pumpTimer = setTimeout(pump, 50);
    });
  }

  function onStep(m) {
    busy = false;
    var now = performance.now();
    latencies.push(now - sentAt);
    if (latencies.length > 30) latencies.shift();
    rate.push(now);
    while (rate.length && now - rate[0] > 2000) rate.shift();
    stats.answered++;
    stats.modelMs = m.model_ms;
    if (!stopping) {
      draw(m.step.landmarks);
      show(m.step);
      if (stats.answered % 15 === 0) {
        status("Live on this device: " + Math.round(rate.length / 2) + " frames a second, " +
          Math.round(m.model_ms) + " ms each.");
      }
    }
    pump();
  }

  function saveDevice(file) {
    status("Analysing and saving your session…");
    var csrf = document.querySelector('meta[name="csrf-token"]');
    var headers = { "content-type": "application/x-ndjson" };
    if (csrf) headers["x-csrf-token"] = csrf.content;
    fetch("/api/live/sessions", { method: "POST", headers: headers, body: file, credentials: "same-origin" })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.error ? body.error : "the server answered " + res.status);
          return body;
        });
      })
      .then(function (summary) {
        endDevice();
        onSummary(summary);
      }, function (e) {
        error("Your session could not be saved (" + e.message + "). Press Stop to try again.");
        stopBtn.disabled = false;
        status("Not saved yet.");
        pending = file;
      });
  }
  var pending = null;            // a landmark file whose save failed, to retry

  function endDevice() {
    if (pumpTimer) clearTimeout(pumpTimer);
    pumpTimer = null;
    if (worker) worker.terminate();
    worker = null;
    busy = false;
    stopCamera();
    stopBtn.hidden = true;
    startBtn.hidden = false;
    startBtn.disabled = false;
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/live";
    ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "start", mirrored: mirrored.checked }));
      status("Loading the pose model…");
    };
    ws.onmessage = function (ev) {
      if (typeof ev.data !== "string") return;
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === "ready") onReady(m);
      else if (m.type === "feedback") onFeedback(m);
      else if (m.type === "summary") onSummary(m);
      else if (m.type === "error") onError(m);
    };
    ws.onclose = function () {
      stopCapture();
      stopCamera();
      if (!stopBtn.hidden) {
        error("The connection to the server was lost. Press Start to begin again.");
      }
      stopBtn.hidden = true;
      startBtn.hidden = false;
      startBtn.disabled = false;
      ws = null;
    };
  }

  function onReady(m) {
    if (m.suggested_fps) FPS = m.suggested_fps;
    if (m.suggested_width) WIDTH = m.suggested_width;
    if (m.max_frame_bytes) MAX_BYTES = m.max_frame_bytes;
    startBtn.hidden = true;
    stopBtn.hidden = false;
    stopBtn.disabled = false;
    status("Live (" + m.model + " model).");
    // A steady pace: one frame every 1/FPS s, skipped when too many wait.
    timer = setInterval(capture, 1000 / FPS);
  }

  function capture() {
    if (!ws || ws.readyState !== 1 || !video.videoWidth) return;
    var now = performance.now();
    sent.forEach(function (at, id) {
      if (now - at > GIVE_UP_MS) { sent.delete(id); drops.push(now); }
    });
    if (sent.size >= MAX_IN_FLIGHT) {
      stats.skipped++;
      drops.push(now);
      showSlow();
      return;
    }
    var scale = Math.min(1, WIDTH / video.videoWidth);
    grab.width = Math.round(video.videoWidth * scale);
    grab.height = Math.round(video.videoHeight * scale);
    grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
    var id = nextId++;
    sent.set(id, now);
    var flags = mirrored.checked ? 1 : 0;
    grab.toBlob(function (blob) {
      if (!blob || !ws || ws.readyState !== 1) { sent.delete(id); return; }
      if (blob.size > MAX_BYTES) { sent.delete(id); stats.skipped++; return; }
      var head = new ArrayBuffer(HEADER_BYTES);
      var v = new DataView(head);
      v.setUint8(0, 74); v.setUint8(1, 76); v.setUint8(2, 70); v.setUint8(3, 49); // "JLF1"
      v.setUint32(4, id, true);
      v.setFloat64(8, now, true);
      v.setUint8(16, flags);
      ws.send(new Blob([head, blob]));
      stats.sent++;
    }, "image/jpeg", JPEG_QUALITY);
  }

  function onFeedback(m) {
    var now = performance.now();
    var at = sent.get(m.frame);
    if (at !== undefined) {
      latencies.push(now - at);
      if (latencies.length > 30) latencies.shift();
    }
    sent.forEach(function (_, id) { if (id <= m.frame) sent.delete(id); });
    stats.answered++;
    if (m.dropped) {
      stats.serverDropped += m.dropped;
      for (var i = 0; i < m.dropped; i++) drops.push(now);
    }
    draw(m.landmarks);
    show(m);
    showSlow();
  }

  function draw(lms) {
    if (overlay.width !== video.videoWidth || overlay.height !== video.videoHeight) {
      overlay.width = video.videoWidth || 640;
      overlay.height = video.videoHeight || 480;
    }
    var w = overlay.width, h = overlay.height;
    ctx.clearRect(0, 0, w, h);
    if (!lms) return;
    var seen = function (p) { return p && p[2] >= 0.5; };
    ctx.lineWidth = Math.max(3, w / 160);
    ctx.lineCap = "round";
    SKELETON.forEach(function (b) {
      var p = lms[b[0]], q = lms[b[1]];
      if (!seen(p) || !seen(q)) return;
      ctx.strokeStyle = COLOURS[b[2]] || COLOURS.c;
      ctx.beginPath();
      ctx.moveTo(p[0] * w, p[1] * h);
      ctx.lineTo(q[0] * w, q[1] * h);
      ctx.stroke();
    });
    ctx.fillStyle = "#fff";
    lms.forEach(function (p) {
      if (!seen(p)) return;
      ctx.beginPath();
      ctx.arc(p[0] * w, p[1] * h, Math.max(3, w / 200), 0, 2 * Math.PI);
      ctx.fill();
    });
  }

  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function show(m) {
    $("nobody").hidden = m.person_visible;
    $("pose").textContent = m.pose ? (POSES[m.pose] || m.pose) : (m.person_visible ? "…" : "nobody in view");
    $("side").textContent = m.extended_leg ? m.extended_leg : "–";
    $("phase").textContent = m.phase ? (PHASES[m.phase] || m.phase) : "–";
    $("hold").textContent = m.hold_s != null ? clock(m.hold_s) : "0:00";
    $("breaths").textContent = m.breaths != null ? String(m.breaths) : "–";
    var hint = $("camera-hint");
    hint.hidden = !m.camera_hint;
    hint.textContent = m.camera_hint || "";
    if (m.cue) {
      var c = $("cue");
      c.textContent = m.cue.text;
      c.className = "cue " + m.cue.priority;
      c.dataset.id = m.cue.id;
      speak(m.cue);
    }
  }

  function speak(cue) {
    window.janu.spoken.push({ id: cue.id, muted: mute.checked });
    if (mute.checked || !window.speechSynthesis || !window.SpeechSynthesisUtterance) return;
    var u = new SpeechSynthesisUtterance(cue.text);
    u.rate = 0.95;
    // The server paces cues; an urgent one replaces whatever is being said.
    if (cue.priority === "high") speechSynthesis.cancel();
    speechSynthesis.speak(u);
  }

  function showSlow() {
    var now = performance.now();
    while (drops.length && now - drops[0] > SLOW_WINDOW_MS) drops.shift();
    var el = $("slow");
    var lat = latencies.length ? latencies.slice().sort(function (a, b) { return a - b; })[latencies.length >> 1] : null;
    if (drops.length) {
      el.hidden = false;
      el.textContent = "Slow server: " + drops.length + " frame" + (drops.length > 1 ? "s" : "") +
        " dropped in the last 5 s" + (lat != null ? " (answers take " + Math.round(lat) + " ms)" : "") + ".";
    } else {
      el.hidden = true;
    }
    if (lat != null && ws) status("Live on the server: answers in " + Math.round(lat) + " ms.");
  }

  function onError(m) {
    if (m.frame != null) sent.delete(m.frame);
    if (m.fatal) {
      error(m.message);
    } else if (m.code !== "bad_frame") {
      error(m.message);
    }
  }

  function stopCapture() {
    if (timer) clearInterval(timer);
    timer = null;
    sent.clear();
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
    $("camera-off").hidden = false;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
  }

  function stop() {
    if (MODE.device) {
      stopping = true;
      stopBtn.disabled = true;
      error("");
      if (pending) { var f = pending; pending = null; saveDevice(f); return; }
      status("Analysing and saving your session…");
      if (worker) worker.postMessage({ type: "finish" });
      return;
    }
    stopCapture();
    stopBtn.disabled = true;
    status("Analysing and saving your session…");
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "stop" }));
    else stopCamera();
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function onSummary(m) {
    stopBtn.hidden = true;
    stopCamera();
    status("Camera off.");
    var html = "<h2>Your session</h2>";
    if (m.saved) {
      html += "<p>Saved to your history: <a href=\"" + esc(m.url) + "\" data-testid=\"session-link\">see the full report</a>.</p>";
    } else {
      html += "<p>Not saved: " + esc(m.reason || "nothing to save") + "</p>";
    }
    html += "<p class=\"small\">" + clock(m.duration_s) + " long, " + m.frames + " frames analysed" +
      (m.dropped ? ", " + m.dropped + " dropped" : "") + ".</p>";
    if (m.sides && m.sides.length) {
      html += "<table><thead><tr><th>Extended leg</th><th>Hold</th><th>Breaths</th></tr></thead><tbody>";
      m.sides.forEach(function (s) {
        html += "<tr><td><span class=\"side " + esc(s.side) + "\">" + esc(s.side) + "</span></td><td>" +
          clock(s.hold_s) + "</td><td>" + (s.breaths != null ? s.breaths : "–") + "</td></tr>";
      });
      html += "</tbody></table>";
    } else {
      html += "<p>No held Janusirsasana was seen this time.</p>";
    }
    if (m.findings && m.findings.length) {
      html += "<h3>To work on</h3><ul>";
      m.findings.forEach(function (f) {
        html += "<li><strong>" + esc(f.title) + "</strong>" + (f.side ? " (" + esc(f.side) + " leg extended)" : "") +
          ": " + esc(f.message) + "</li>";
      });
      html += "</ul>";
    }
    if (m.camera_advice) html += "<p class=\"notice small\">" + esc(m.camera_advice) + "</p>";
    var s = $("summary");
    s.innerHTML = html;
    s.hidden = false;
    startBtn.hidden = false;
    startBtn.disabled = false;
  }

  startBtn.addEventListener("click", start);
  stopBtn.addEventListener("click", stop);
})();
