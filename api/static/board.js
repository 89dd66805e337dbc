// The dispatcher's board: drag or type an assignment, see it validated, follow the day live.
// The server draws the board; this script sends edits to the public API with the plan's version
// (If-Match), redraws the board's body from /board/fragment, and listens to /board/events.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var day = board.dataset.day;
  var liveLine = document.getElementById("live");
  var noticeLine = document.getElementById("notice");
  var version = "";
  // Versions this board has shown or saved itself: an event about one of them is not someone else's change.
  var known = {};
  var lastSavedAt = -Infinity;
  var SAVED_SHOWN_MS = 5000;
  var refreshing = null;
  var pendingRefresh = false;
  // Visits an edit changed stay marked for a while, through the redraws that follow it (its own echo).
  var highlight = { ids: [], until: 0 };
  var HIGHLIGHT_MS = 15000;
  // A proposed re-plan shown in place of the plan in force (its id is in the page's address too).
  var proposalId = new URLSearchParams(window.location.search).get("proposal");

  function setProposal(id) {
    proposalId = id;
    var params = new URLSearchParams(window.location.search);
    if (id) { params.set("proposal", id); } else { params.delete("proposal"); }
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function body() { return document.getElementById("board-body"); }

  // The map lives outside the redrawn body and is put back into its slot after each redraw.
  var mapPanel = document.getElementById("map-panel");
  function placeMap() {
    var slot = document.getElementById("map-slot");
    if (mapPanel && slot) { slot.replaceWith(mapPanel); mapPanel.hidden = false; }
    else if (mapPanel && !board.contains(mapPanel)) { mapPanel.hidden = true; }
  }
  placeMap();
  function setVersion(value) { version = value; if (value) { known[value] = true; } }
  function readVersion() { var b = body(); setVersion(b ? b.dataset.version : ""); }
  readVersion();

  function clock(date) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  function say(text) { liveLine.textContent = text; }
  function notice(text, kind) {
    noticeLine.textContent = text;
    noticeLine.className = "notice" + (kind ? " " + kind : "");
    noticeLine.hidden = !text;
  }
  function nameOf(technicianId) {
    var lane = document.querySelector('.lane[data-technician="' + technicianId + '"]');
    return lane ? lane.dataset.name + " (" + technicianId + ")" : technicianId;
  }
  function query() {
    var params = new URLSearchParams(window.location.search);
    params.set("day", day);
    return params.toString();
  }

  // True while the dispatcher types in a field of the board or drags a job: a redraw then would undo it.
  var dragging = false;
  function busyTyping() {
    if (dragging) { return true; }
    var active = document.activeElement;
    return active && board.contains(active) && (active.tagName === "INPUT" || active.tagName === "SELECT");
  }
  function refreshIfWaiting() {
    if (!busyTyping() && pendingRefresh) { pendingRefresh = false; refresh(); }
  }

  // Redraw the board's body; ``changed`` are job ids to highlight on the timeline.
  // Live redraws wait while the dispatcher types in a field of the board; their own edits do not.
  function refresh(changed, force) {
    if (!force && busyTyping()) { pendingRefresh = true; return Promise.resolve(); }
    if (refreshing) { pendingRefresh = true; return refreshing; }
    var list = document.querySelector(".side");
    var scroll = list ? list.scrollTop : 0;
    refreshing = fetch("/board/fragment?" + query(), { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { window.location.assign("/board/login"); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        // The dispatcher began typing while this live redraw was on its way: keep what they typed.
        if (!force && busyTyping()) { pendingRefresh = true; return; }
        var kept = selection();
        if (mapPanel && board.contains(mapPanel)) { document.body.appendChild(mapPanel); }
        board.innerHTML = html;
        placeMap();
        readVersion();
        checkProposal();
        var newList = document.querySelector(".side");
        if (newList) { newList.scrollTop = scroll; }
        if (changed && changed.length) { highlight = { ids: changed, until: performance.now() + HIGHLIGHT_MS }; }
        var marked = changed || (performance.now() < highlight.until ? highlight.ids : []);
        marked.forEach(function (jobId) {
          document.querySelectorAll('.visit[data-job="' + jobId + '"]').forEach(function (block) {
            block.classList.add("changed");
          });
        });
        moveNow();
        window.dispatchEvent(new CustomEvent("board:refreshed"));
        window.dispatchEvent(new CustomEvent("board:moved-map"));
        restoreSelection(kept);
      })
      .finally(function () {
        refreshing = null;
        if (pendingRefresh) { pendingRefresh = false; refresh(); }
      });
    return refreshing;
  }

  // The proposal the address names may have been decided meanwhile (here or by another dispatcher).
  function checkProposal() {
    var b = body();
    if (!b || !proposalId || b.dataset.proposal) { return; }
    setProposal(null);
    if (b.dataset.proposalGone) {
      notice("The proposed re-plan is no longer open (" + b.dataset.proposalGone + "): the board shows the plan in force.", "info");
    }
  }

  // An edit through the API with the plan's version; refusals are shown as the API words them.
  // ``beforeRedraw`` runs once the edit is saved, before the board is drawn again.
  function edit(method, url, payload, what, changed, beforeRedraw) {
    if (proposalId && !beforeRedraw) {
      notice("Accept or discard the proposed re-plan first: edits change the plan in force, which would outdate it.");
      return Promise.resolve(false);
    }
    var headers = { "Accept": "application/json", "If-Match": '"' + version + '"' };
    var init = { method: method, credentials: "same-origin", headers: headers };
    if (payload) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(payload); }
    say(what + "…");
    var started = performance.now();
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        var took = Math.round(performance.now() - started);
        board.dataset.lastEditMs = String(took);
        board.dataset.editsAnswered = String(Number(board.dataset.editsAnswered || 0) + 1);
        if (response.ok) {
          var etag = response.headers.get("ETag");
          if (etag) { setVersion(etag.replace(/"/g, "")); }
          lastSavedAt = performance.now();
          notice("");
          say(what + ": saved (" + took + " ms).");
          if (beforeRedraw) { beforeRedraw(); }
          return refresh(changed, true).then(function () {
            var shown = performance.now();
            if (board.dataset.dropAt) {
              board.dataset.lastRoundTripMs = String(Math.round(shown - Number(board.dataset.dropAt)));
              delete board.dataset.dropAt;
            }
            return true;
          });
        }
        if (response.status === 401) { window.location.assign("/board/login"); return false; }
        if (response.status === 412) {
          notice("Not saved: another dispatcher or an event changed the plan meanwhile. " +
            "The board now shows the current plan; check it and try again.\n" + (answer.detail || ""));
          say("");
          return refresh(null, true).then(function () { return false; });
        }
        notice("Refused, nothing was saved: " + (answer.detail || ("error " + response.status)));
        say("");
        return false;
      });
    }).catch(function () {
      notice("No connection to the server: nothing was saved.");
      return false;
    });
  }

  function assign(jobId, technicianId, start) {
    var payload = { job_id: jobId, technician_id: technicianId, pin: true };
    if (start) { payload.start = start; }
    var at = start ? " at " + new Date(start).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
    return edit("POST", "/plans/" + day + "/assignments", payload,
      "Assigning " + jobId + " to " + nameOf(technicianId) + at, [jobId]);
  }

  function unassign(jobId) {
    return edit("DELETE", "/plans/" + day + "/assignments/" + encodeURIComponent(jobId), null,
      "Taking " + jobId + " out of the plan", []);
  }

  // "HH:MM" on the board's clock as an instant (the board's zone offset on the day).
  function instantAt(hhmm) {
    if (!hhmm) { return null; }
    var offset = body().dataset.utcOffset || "Z";
    return day + "T" + hhmm + ":00" + offset;
  }

  // The instant under the pointer on a technician's row, to 5 minutes.
  function instantUnder(bar, clientX) {
    var box = bar.getBoundingClientRect();
    var b = body();
    var from = Date.parse(b.dataset.axisStart), to = Date.parse(b.dataset.axisEnd);
    var share = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
    var step = 5 * 60 * 1000;
    return new Date(Math.round((from + share * (to - from)) / step) * step).toISOString();
  }

  // Dragging a job left out onto a technician's row.
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".job-card");
    if (!card) { return; }
    event.dataTransfer.setData("text/plain", card.dataset.job);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
    dragging = true;
  });
  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".job-card");
    if (card) { card.classList.remove("dragging"); }
    dragging = false;
    window.setTimeout(refreshIfWaiting, 300);
  });
  function laneOf(target) { return target.closest ? target.closest(".lane[data-technician]") : null; }
  document.addEventListener("dragover", function (event) {
    var lane = laneOf(event.target);
    if (!lane) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".lane.drop-hover").forEach(function (l) { if (l !== lane) { l.classList.remove("drop-hover"); } });
    lane.classList.add("drop-hover");
  });
  document.addEventListener("dragleave", function (event) {
    var lane = laneOf(event.target);
    if (lane && !lane.contains(event.relatedTarget)) { lane.classList.remove("drop-hover"); }
  });
  document.addEventListener("drop", function (event) {
    var lane = laneOf(event.target);
    if (!lane) { return; }
    event.preventDefault();
    lane.classList.remove("drop-hover");
    dragging = false;
    var jobId = event.dataTransfer.getData("text/plain");
    if (!jobId) { return; }
    board.dataset.dropAt = String(performance.now());
    var atTime = document.getElementById("drop-at-time");
    var start = null;
    var bar = lane.querySelector(".lane-bar");
    if (atTime && atTime.checked && bar) { start = instantUnder(bar, event.clientX); }
    assign(jobId, lane.dataset.technician, start);
  });

  // Dragging a planned visit to another technician's row (or to another time with "drop at the time"):
  // pointer events, since SVG blocks cannot be dragged natively. Visits done or under way stay put.
  var FIXED = ["progress-done", "progress-on_site", "progress-en_route"];
  var visitDrag = null;
  var swallowClick = false;
  document.addEventListener("pointerdown", function (event) {
    var block = event.target.closest && event.target.closest(".visit[data-job]");
    if (!block || event.button !== 0 || proposalId) { return; }
    if (FIXED.some(function (c) { return block.classList.contains(c); })) { return; }
    visitDrag = { block: block, x: event.clientX, y: event.clientY, moving: false, ghost: null };
  });
  document.addEventListener("pointermove", function (event) {
    if (!visitDrag) { return; }
    if (!visitDrag.moving) {
      if (Math.abs(event.clientX - visitDrag.x) + Math.abs(event.clientY - visitDrag.y) < 6) { return; }
      visitDrag.moving = true;
      dragging = true;
      visitDrag.block.classList.add("dragging");
      var ghost = document.createElement("div");
      ghost.className = "drag-ghost";
      ghost.setAttribute("aria-hidden", "true");
      ghost.textContent = visitDrag.block.dataset.job;
      document.body.appendChild(ghost);
      visitDrag.ghost = ghost;
    }
    visitDrag.ghost.style.left = (event.clientX + 12) + "px";
    visitDrag.ghost.style.top = (event.clientY + 12) + "px";
    var lane = laneAt(event.clientX, event.clientY);
    document.querySelectorAll(".lane.drop-hover").forEach(function (l) { if (l !== lane) { l.classList.remove("drop-hover"); } });
    if (lane) { lane.classList.add("drop-hover"); }
  });
  function laneAt(x, y) {
    var under = document.elementFromPoint(x, y);
    return under ? laneOf(under) : null;
  }
  function endVisitDrag() {
    if (!visitDrag) { return null; }
    var ended = visitDrag;
    visitDrag = null;
    dragging = false;
    ended.block.classList.remove("dragging");
    if (ended.ghost) { ended.ghost.remove(); }
    document.querySelectorAll(".lane.drop-hover").forEach(function (l) { l.classList.remove("drop-hover"); });
    window.setTimeout(refreshIfWaiting, 300);
    return ended;
  }
  document.addEventListener("pointerup", function (event) {
    var ended = endVisitDrag();
    if (!ended || !ended.moving) { return; }
    swallowClick = true;  // the click this release makes is not a selection
    window.setTimeout(function () { swallowClick = false; }, 0);
    var lane = laneAt(event.clientX, event.clientY);
    if (!lane) { return; }
    var atTime = document.getElementById("drop-at-time");
    var bar = lane.querySelector(".lane-bar");
    var start = atTime && atTime.checked && bar ? instantUnder(bar, event.clientX) : null;
    if (lane.dataset.technician === ended.block.dataset.technician && !start) { return; }
    board.dataset.dropAt = String(performance.now());
    assign(ended.block.dataset.job, lane.dataset.technician, start);
  });
  document.addEventListener("pointercancel", endVisitDrag);
  document.addEventListener("click", function (event) {
    if (swallowClick) { swallowClick = false; event.stopPropagation(); event.preventDefault(); }
  }, true);

  // The keyboard way: each job's own form, and the selected visit's panel.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("assign") || form.classList.contains("move")) {
      event.preventDefault();
      var technician = form.elements.technician_id.value.trim();
      if (!technician) { return; }
      assign(form.dataset.job, technician, instantAt(form.elements.at.value));
    }
  });

  // What the dispatcher has open and in focus, so a redraw puts them back where they were.
  function selection() {
    var chosen = document.querySelector(".visit.selected[data-job]");
    var active = document.activeElement;
    var focused = active && active.closest ? active.closest(".visit[data-job]") : null;
    var panel = document.getElementById("selected");
    return {
      job: chosen ? chosen.dataset.job : null,
      focusedJob: focused ? focused.dataset.job : null,
      panelControl: panel && active && panel.contains(active) && active.className ? active.className : null,
    };
  }
  function visitBlock(jobId) {
    return jobId ? document.querySelector('.visit[data-job="' + CSS.escape(jobId) + '"]') : null;
  }
  function restoreSelection(kept) {
    var chosen = visitBlock(kept.job);
    if (chosen) { select(chosen); }
    var focused = visitBlock(kept.focusedJob);
    var panel = document.getElementById("selected");
    var control = chosen && kept.panelControl && panel ? panel.querySelector("." + kept.panelControl.split(" ")[0]) : null;
    if (control) { control.focus(); } else if (focused) { focused.focus(); }
  }

  function select(block) {
    document.querySelectorAll(".visit.selected").forEach(function (b) { b.classList.remove("selected"); });
    block.classList.add("selected");
    var panel = document.getElementById("selected");
    var jobId = block.dataset.job;
    panel.innerHTML = "";
    var title = document.createElement("h2");
    title.textContent = jobId + " · " + nameOf(block.dataset.technician);
    var text = document.createElement("p");
    text.textContent = block.getAttribute("aria-label");
    var actions = document.createElement("div");
    actions.className = "actions";
    var out = document.createElement("button");
    out.type = "button";
    out.className = "unassign";
    out.textContent = "Unassign";
    out.addEventListener("click", function () { unassign(jobId); });
    actions.appendChild(out);
    var form = document.createElement("form");
    form.className = "assign move";
    form.dataset.job = jobId;
    form.innerHTML = '<label>Move to <input name="technician_id" list="technician-list" required placeholder="technician id"></label>' +
      '<label>at <input type="time" name="at" aria-label="Start time, optional"></label><button type="submit">Move</button>';
    panel.appendChild(title);
    panel.appendChild(text);
    if (!proposalId) {
      panel.appendChild(actions);
      panel.appendChild(form);
    }
    panel.hidden = false;
    window.dispatchEvent(new CustomEvent("board:select", { detail: { job: jobId, technician: block.dataset.technician } }));
  }
  document.addEventListener("click", function (event) {
    var block = event.target.closest && event.target.closest(".visit[data-job]");
    if (block) { select(block); return; }
    var head = event.target.closest && event.target.closest(".lane-head");
    if (head && !event.target.closest("button")) {
      var lane = head.closest(".lane[data-technician]");
      if (lane) {
        window.dispatchEvent(new CustomEvent("board:select", { detail: { technician: lane.dataset.technician } }));
        return;
      }
    }
    var show = event.target.closest && event.target.closest("button.show-visit");
    if (show) {
      var shown = visitBlock(show.dataset.job);
      if (shown) {
        shown.scrollIntoView({ block: "center", inline: "nearest" });
        select(shown);
        shown.focus();
      }
      return;
    }
    var lock = event.target.closest && event.target.closest("button.lock-toggle");
    if (lock) {
      var locked = lock.dataset.locked === "yes";
      edit(locked ? "DELETE" : "PUT", "/plans/" + day + "/locks/" + lock.dataset.technician, null,
        (locked ? "Unlocking " : "Locking ") + "the day of " + nameOf(lock.dataset.technician), []);
      return;
    }
    var sick = event.target.closest && event.target.closest("button.off-sick");
    if (sick && window.confirm("Report " + nameOf(sick.dataset.technician) + " off sick for the rest of the day? " +
        "Their visits not yet started go to others.")) {
      edit("POST", "/plans/" + day + "/technicians/" + sick.dataset.technician + "/off-sick", null,
        "Reporting " + nameOf(sick.dataset.technician) + " off sick", []);
    }
  });
  document.addEventListener("keydown", function (event) {
    var block = event.target.closest && event.target.closest(".visit[data-job]");
    if (block && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); select(block); }
  });
  document.addEventListener("focusout", function () {
    if (pendingRefresh) { window.setTimeout(refreshIfWaiting, 300); }
  });

  // Re-plan the rest of the day as a proposal: a plan job with ``preview``, followed until it ends.
  var replan = document.getElementById("replan");
  var replanStop = document.getElementById("replan-stop");
  var replanJob = null;
  function followReplan(jobId) {
    fetch("/plans/" + encodeURIComponent(jobId), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (job) { return { ok: response.ok, job: job }; }); })
      .then(function (answer) {
        var job = answer.job;
        if (!answer.ok) { endReplan(); notice("The re-plan could not be followed: " + (job.detail || "error")); return; }
        if (job.status === "queued" || job.status === "running") {
          var best = job.best_so_far || {};
          var figures = best.assigned === null || best.assigned === undefined ? "" :
            " · best so far: " + best.assigned + " visits planned, " + best.unassigned + " left out" +
            (best.p1_assigned === null || best.p1_assigned === undefined ? "" : ", P1 " + best.p1_assigned) +
            (best.groups_total ? " · groups searched " + (best.groups_done || 0) + "/" + best.groups_total : "");
          say("Re-planning the rest of the day… " + Math.round((job.progress || 0) * 100) + "%" + figures);
          window.setTimeout(function () { followReplan(jobId); }, 1000);
          return;
        }
        endReplan();
        if (job.plan_id && job.preview) {
          setProposal(job.plan_id);
          say("Re-plan proposed: check what it changes, then accept or discard it.");
          refresh(null, true).then(function () {
            var heading = document.getElementById("proposal-title");
            if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
          });
        } else {
          say("");
          notice("The re-plan found nothing to propose" + (job.error ? ": " + job.error : "") + ". The plan in force is unchanged.");
        }
      })
      .catch(function () { window.setTimeout(function () { followReplan(jobId); }, 2000); });
  }
  function endReplan() {
    replanJob = null;
    if (replan) { replan.disabled = false; }
    if (replanStop) { replanStop.hidden = true; }
  }
  if (replan) {
    replan.addEventListener("click", function () {
      if (proposalId) { notice("Accept or discard the proposed re-plan first."); return; }
      var seconds = Number(document.getElementById("replan-seconds").value || 30);
      var payload = { time_limit_s: seconds, preview: true };
      var region = new URLSearchParams(window.location.search).get("region");
      if (region) { payload.region = region; }
      replan.disabled = true;
      notice("");
      say("Asking for a re-plan of the rest of the day…");
      fetch("/plans/" + day + "/resolve", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(payload),
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (job) {
          if (response.status === 401) { window.location.assign("/board/login"); return; }
          if (!response.ok) { endReplan(); say(""); notice("No re-plan started: " + (job.detail || ("error " + response.status))); return; }
          replanJob = job.id;
          if (replanStop) { replanStop.hidden = false; }
          followReplan(job.id);
        });
      }).catch(function () { endReplan(); notice("No connection to the server: no re-plan started."); });
    });
  }
  if (replanStop) {
    replanStop.addEventListener("click", function () {
      if (!replanJob) { return; }
      replanStop.hidden = true;
      fetch("/plans/" + encodeURIComponent(replanJob), { method: "DELETE", credentials: "same-origin" });
      say("Stopping: the best plan found so far will be proposed…");
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.id || !proposalId) { return; }
    var moved = document.querySelector(".proposal[data-moved]");
    var changed = moved && moved.dataset.moved ? moved.dataset.moved.split(" ") : [];
    if (target.id === "proposal-accept") {
      var id = proposalId;
      edit("POST", "/plans/" + day + "/proposals/" + encodeURIComponent(id) + "/accept", null,
        "Publishing the proposed re-plan", changed, function () { setProposal(null); });
    } else if (target.id === "proposal-discard") {
      fetch("/plans/" + day + "/proposals/" + encodeURIComponent(proposalId), { method: "DELETE", credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 401) { window.location.assign("/board/login"); return; }
          setProposal(null);
          notice("");
          say("Proposal discarded: the plan in force is unchanged.");
          refresh(null, true);
        });
    }
  });

  var logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", function () {
      fetch("/auth/logout", { method: "POST", credentials: "same-origin" }).finally(function () {
        window.location.assign("/board/login");
      });
    });
  }

  // The "now" line follows the clock.
  function moveNow() {
    var b = body();
    if (!b || !b.dataset.axisStart) { return; }
    var from = Date.parse(b.dataset.axisStart), to = Date.parse(b.dataset.axisEnd), now = Date.now();
    var lines = document.querySelectorAll("line.now");
    if (now < from || now > to) { lines.forEach(function (l) { l.setAttribute("visibility", "hidden"); }); return; }
    var x = ((now - from) / (to - from) * 100).toFixed(3) + "%";
    lines.forEach(function (l) { l.setAttribute("x1", x); l.setAttribute("x2", x); l.removeAttribute("visibility"); });
  }
  window.setInterval(moveNow, 30000);

  // Live: redraw whenever the day changes (a plan published, a report, a lock).
  if (window.EventSource) {
    var events = new EventSource("/board/events?day=" + encodeURIComponent(day));
    events.addEventListener("changed", function (event) {
      var data = JSON.parse(event.data);
      if (data.first) { return; }
      // Events are polled, so one may tell of this board's own edit after the edit's answer did.
      var foreign = Boolean(data.version) && !known[data.version];
      if (foreign) {
        notice("The plan changed (another dispatcher, a re-plan or an event): the board shows the new one.", "info");
      }
      refresh().then(function () {
        // Keep "saved" in view for a moment rather than replacing it with the echo of that same save.
        if (foreign || performance.now() - lastSavedAt > SAVED_SHOWN_MS) { say("Updated " + clock(new Date()) + "."); }
      });
    });
    events.addEventListener("open", function () { board.dataset.live = "yes"; });
    events.addEventListener("error", function () { board.dataset.live = "no"; });
  }
  checkProposal();
  board.dataset.ready = "yes";
  if (performance.mark) { performance.mark("board-ready"); }
})();
