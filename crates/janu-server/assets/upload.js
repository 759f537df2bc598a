// Janu upload page: send the file with upload progress, then follow the
// analysis job until the report is saved, then show it.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var fileInput = document.getElementById("file");
  var box = document.getElementById("progress");
  var up = document.getElementById("up");
  var an = document.getElementById("an");
  var stage = document.getElementById("stage");
  var detail = document.getElementById("detail");
  var errorBox = document.getElementById("upload-error");
  var limit = Number(form.dataset.limit || 0);
  var POLL_MS = 700;

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    if (!box.hidden) {
      stage.textContent = "Stopped: nothing was saved";
      detail.textContent = "";
    }
    form.querySelector("button").disabled = false;
  }

  function errorOf(xhrOrText) {
    try { return JSON.parse(xhrOrText).error || "Something went wrong."; }
    catch (e) { return "Something went wrong."; }
  }

  function poll(id) {
    fetch("/api/jobs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
      .then(function (res) {
        if (!res.ok) { fail(errorOf(res.text)); return; }
        var job = JSON.parse(res.text);
        an.value = job.progress;
        stage.textContent = job.stage.charAt(0).toUpperCase() + job.stage.slice(1) + "…";
        detail.textContent = job.frames_total
          ? job.frames_done + " of about " + job.frames_total + " frames"
          : "";
        if (job.state === "done") {
          stage.textContent = "Done: opening your report…";
          window.location.href = "/sessions/" + job.session_id;
        } else if (job.state === "failed") {
          fail(job.error || "The analysis failed.");
        } else {
          setTimeout(function () { poll(id); }, POLL_MS);
        }
      })
      .catch(function () { setTimeout(function () { poll(id); }, POLL_MS * 3); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    errorBox.hidden = true;
    var file = fileInput.files[0];
    if (!file) { fail("Choose a file first."); return; }
    if (limit && file.size > limit) {
      fail("The file is larger than the limit of " + Math.floor(limit / 1048576) + " MB.");
      return;
    }
    form.querySelector("button").disabled = true;
    box.hidden = false;
    up.value = 0; an.value = 0;
    stage.textContent = "Sending…";
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads?name=" + encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    // The session cookie signs the upload in; the page's CSRF token proves
    // the request comes from this page, not another site.
    var csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf) xhr.setRequestHeader("x-csrf-token", csrf.content);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) up.value = e.loaded / e.total;
    };
    xhr.onload = function () {
      if (xhr.status !== 202) { fail(errorOf(xhr.responseText)); return; }
      up.value = 1;
      var job = JSON.parse(xhr.responseText);
      stage.textContent = "Waiting for a worker…";
      poll(job.id);
    };
    xhr.onerror = function () { fail("The upload broke off; check the connection and try again."); };
    xhr.send(file);
  });
})();
