// The job sheet's reports: queued in localStorage first, then sent; a failed send is retried later
// with the same idempotency key, so the server applies each report once however often it arrives.
(function () {
  "use strict";
  var QUEUE_KEY = "dispatch.reportQueue";
  var sending = false;

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
  }

  function showConnection() {
    var waiting = loadQueue().length;
    var line = document.getElementById("connection");
    var parts = [];
    if (!navigator.onLine) { parts.push("Offline: showing the last loaded sheet"); }
    if (waiting) { parts.push(waiting + " report" + (waiting > 1 ? "s" : "") + " waiting to send"); }
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

  function describe(answer) {
    if (answer.kind === "running_late") { return "Delay reported"; }
    return answer.changed ? "Reported: " + answer.status.replace("_", " ") : "Already " + answer.status.replace("_", " ");
  }

  function flush() {
    if (sending) { return; }
    var queue = loadQueue();
    if (!queue.length) { showConnection(); return; }
    sending = true;
    var item = queue[0];
    fetch("/tech/visits/" + encodeURIComponent(item.jobId) + "/reports", {
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
        if (response.ok) {
          showStatus(item.jobId, data.status);
          say(item.jobId, describe(data), false);
        } else {
          say(item.jobId, data.detail || "The report was refused.", true);
        }
        return true;
      });
    }).catch(function () {
      return false;
    }).then(function (sent) {
      sending = false;
      showConnection();
      if (sent) { flush(); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-kind]");
    if (!button) { return; }
    var stop = button.closest("li.stop");
    queueReport(stop.dataset.job, { kind: button.dataset.kind });
  });

  document.addEventListener("submit", function (event) {
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
  showConnection();
  flush();
})();
