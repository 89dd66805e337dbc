// The job sheet's reports and checklist marks: queued in localStorage first, then sent in order; a failed
// send is retried later with the same idempotency key, so the server applies each once however often it
// arrives. Marks go in the same queue as reports, so a visit's steps reach the server before its completion.
(function () {
  "use strict";
  var QUEUE_KEY = "dispatch.reportQueue";
  var sending = false;
  var FINAL = ["completed", "incomplete", "cancelled"];

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function loadQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }

  function saveQueue(queue) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }

  function stopOf(jobId) { return document.querySelector('li.stop[data-job="' + jobId + '"]'); }

  function say(jobId, text, isError) {
    var stop = stopOf(jobId);
    if (!stop) { return; }
    var message = stop.querySelector(".message");
    message.textContent = text;
    message.classList.toggle("error", Boolean(isError));
  }

  function showStatus(jobId, status) {
    var stop = stopOf(jobId);
    if (!stop) { return; }
    stop.dataset.status = status;
    stop.className = stop.className.replace(/status-\S+/, "status-" + status);
    stop.querySelector(".badge.status").textContent = status.replace("_", " ");
    if (FINAL.indexOf(status) >= 0) {
      Array.prototype.forEach.call(stop.querySelectorAll(".checklist input, .checklist button"), function (field) {
        field.disabled = true;
      });
      showTally(stop);
    }
  }

  function showConnection() {
    var queue = loadQueue();
    var steps = queue.filter(function (item) { return item.step; }).length;
    var waiting = queue.length - steps;
    var line = document.getElementById("connection");
    var parts = [];
    if (!navigator.onLine) { parts.push("Offline: showing the last loaded sheet"); }
    if (waiting) { parts.push(waiting + " report" + (waiting > 1 ? "s" : "") + " waiting to send"); }
    if (steps) { parts.push(steps + " checklist step" + (steps > 1 ? "s" : "") + " waiting to send"); }
    line.textContent = parts.join(" · ");
    line.classList.toggle("warn", parts.length > 0);
  }

  function queueReport(jobId, body) {
    body.idempotency_key = newKey();
    var queue = loadQueue();
    queue.push({ jobId: jobId, body: body });
    saveQueue(queue);
    say(jobId, "Saved; sending\u2026", false);
    showConnection();
    flush();
  }

  // --- checklists --------------------------------------------------------------------------------

  function stepOf(jobId, code) {
    var stop = stopOf(jobId);
    return stop ? stop.querySelector('li.step[data-step="' + code + '"]') : null;
  }

  function showStep(step, done, answer) {
    step.dataset.done = done ? "yes" : "no";
    step.classList.toggle("done", done);
    if (done) { step.classList.remove("missing"); }
    var box = step.querySelector("input[type=checkbox]");
    if (box) { box.checked = done; }
    var text = step.querySelector("input[name=answer]");
    if (text && answer !== undefined) { text.value = answer || ""; }
  }

  function openSteps(stop) {
    return Array.prototype.filter.call(stop.querySelectorAll("li.step"), function (step) {
      return step.dataset.mandatory === "yes" && step.dataset.done !== "yes";
    });
  }

  function showTally(stop) {
    var tally = stop.querySelector(".checklist .tally");
    if (!tally) { return; }
    var steps = stop.querySelectorAll("li.step");
    var done = stop.querySelectorAll('li.step[data-done="yes"]').length;
    var open = openSteps(stop).length;
    var over = FINAL.indexOf(stop.dataset.status) >= 0;
    tally.textContent = done + " of " + steps.length + " done" +
      (over ? "" : open ? " \u00b7 " + open + " required open" : " \u00b7 ready to complete");
  }

  function queueMark(jobId, code, done, answer) {
    var body = { idempotency_key: newKey(), done: done };
    if (answer !== null) { body.answer = answer; }
    var queue = loadQueue();
    queue.push({ jobId: jobId, step: code, body: body });
    saveQueue(queue);
    var step = stepOf(jobId, code);
    if (step) { showStep(step, done, answer); showTally(step.closest("li.stop")); }
    say(jobId, "Step saved; sending\u2026", false);
    showConnection();
    flush();
  }

  function markMissing(stop, codes) {
    Array.prototype.forEach.call(stop.querySelectorAll("li.step"), function (step) {
      step.classList.toggle("missing", codes.indexOf(step.dataset.step) >= 0);
    });
  }

  // Marks still waiting on the phone are shown over the sheet as last loaded (it may be older than them).
  function showQueuedMarks() {
    loadQueue().forEach(function (item) {
      if (!item.step) { return; }
      var step = stepOf(item.jobId, item.step);
      if (step) { showStep(step, item.body.done, item.body.answer === undefined ? undefined : item.body.answer); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("li.stop[data-job]"), showTally);
  }

  function describe(answer) {
    if (answer.kind === "running_late") { return "Delay reported"; }
    return answer.changed ? "Reported: " + answer.status.replace("_", " ") : "Already " + answer.status.replace("_", " ");
  }

  // Once everything is sent, the sheet is fetched again so the copy the service worker keeps for offline
  // use shows the steps done and the statuses reached.
  function keepSheet() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .catch(function () { /* kept as it was */ });
  }

  function flush() {
    if (sending) { return; }
    var queue = loadQueue();
    if (!queue.length) { showConnection(); return; }
    sending = true;
    var item = queue[0];
    var path = "/tech/visits/" + encodeURIComponent(item.jobId) +
      (item.step ? "/checklist/" + encodeURIComponent(item.step) : "/reports");
    fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) {
          say(item.jobId, "Log in again to send your reports (they are kept).", true);
          return false;
        }
        if (response.status >= 500) { return false; }
        saveQueue(loadQueue().filter(function (q) { return q.body.idempotency_key !== item.body.idempotency_key; }));
        if (response.ok && item.step) {
          say(item.jobId, data.open_mandatory.length ? "Step saved" : "Step saved \u00b7 every required step done", false);
        } else if (response.ok) {
          showStatus(item.jobId, data.status);
          say(item.jobId, describe(data), false);
        } else {
          say(item.jobId, data.detail || "The report was refused.", true);
          if (data.open_steps && stopOf(item.jobId)) {
            markMissing(stopOf(item.jobId), data.open_steps.map(function (s) { return s.code; }));
          }
        }
        return true;
      });
    }).catch(function () {
      return false;
    }).then(function (sent) {
      sending = false;
      showConnection();
      if (sent && loadQueue().length) { flush(); } else if (sent) { keepSheet(); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-kind]");
    if (!button) { return; }
    var stop = button.closest("li.stop");
    if (button.dataset.kind === "completed") {
      // Said at once, even offline; the server refuses such a report anyway.
      var open = openSteps(stop);
      if (open.length) {
        markMissing(stop, open.map(function (step) { return step.dataset.step; }));
        say(stop.dataset.job, "Not yet: " + open.length + " required step" + (open.length > 1 ? "s are" : " is") +
          " open: " + open.map(function (step) { return step.querySelector(".label").textContent; }).join("; "), true);
        return;
      }
    }
    queueReport(stop.dataset.job, { kind: button.dataset.kind });
  });

  document.addEventListener("change", function (event) {
    var box = event.target.closest('li.step input[type="checkbox"]');
    if (!box) { return; }
    var step = box.closest("li.step");
    queueMark(step.closest("li.stop").dataset.job, step.dataset.step, box.checked, null);
  });

  document.addEventListener("submit", function (event) {
    var answerForm = event.target.closest("li.step form.answer");
    if (answerForm) {
      event.preventDefault();
      var step = answerForm.closest("li.step");
      var answer = answerForm.elements.answer.value.trim();
      queueMark(step.closest("li.stop").dataset.job, step.dataset.step, answer !== "", answer || null);
      return;
    }
    var form = event.target.closest("form[data-kind]");
    if (!form) { return; }
    event.preventDefault();
    var stop = form.closest("li.stop");
    var body = { kind: form.dataset.kind };
    if (form.dataset.kind === "running_late") { body.late_by_min = parseInt(form.elements.late_by_min.value, 10); }
    if (form.dataset.kind === "not_completed") { body.reason = form.elements.reason.value; }
    queueReport(stop.dataset.job, body);
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", showConnection);
  window.setInterval(flush, 15000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/tech/sw.js", { scope: "/tech/" }).catch(function () { /* pages still work */ });
  }
  showQueuedMarks();
  showConnection();
  flush();
})();
