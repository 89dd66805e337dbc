// The logins page: each form and button calls the /accounts API, then the page is drawn again.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var notice = document.getElementById("notice");
  var DONE_KEY = "accounts-done";

  function say(text) { live.textContent = text; }
  function refuse(text) { notice.textContent = text; notice.hidden = !text; }

  function problemText(answer) {
    var lines = [answer.detail || "The change was refused."];
    (answer.errors || []).forEach(function (e) { lines.push(e.field + ": " + e.message); });
    return lines.join("\n");
  }

  function call(method, url, payload, done) {
    var init = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (payload) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(payload); }
    refuse("");
    say("Saving…");
    return fetch(url, init).then(function (response) {
      if (response.status === 401) { window.location.assign("/board/login"); return; }
      if (response.ok) {
        window.sessionStorage.setItem(DONE_KEY, done);
        window.location.reload();
        return;
      }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        say("");
        refuse("Not saved: " + problemText(answer));
      });
    }, function () { say(""); refuse("Not saved: the server could not be reached."); });
  }

  var done = window.sessionStorage.getItem(DONE_KEY);
  if (done) { window.sessionStorage.removeItem(DONE_KEY); say(done); }

  var form = document.getElementById("new-login");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var payload = {
      email: data.get("email"),
      display_name: data.get("display_name"),
      role: data.get("role"),
      password: data.get("password"),
      is_admin: data.get("is_admin") === "on"
    };
    if (data.get("technician_id")) { payload.technician_id = data.get("technician_id"); }
    call("POST", "/accounts", payload, "Login " + payload.email + " created.");
  });

  document.querySelectorAll("tr[data-account]").forEach(function (row) {
    var id = encodeURIComponent(row.dataset.account), email = row.dataset.email;
    row.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.dataset.action;
        call("POST", "/accounts/" + id + "/" + action, null, "Login " + email + " " + action + "d.");
      });
    });
    var reset = row.querySelector("form.reset-password");
    reset.addEventListener("submit", function (event) {
      event.preventDefault();
      var password = new FormData(reset).get("password");
      call("PUT", "/accounts/" + id + "/password", { password: password }, "New password set for " + email + ".");
    });
  });

  var logout = document.getElementById("logout");
  logout.addEventListener("click", function () {
    fetch("/auth/logout", { method: "POST", credentials: "same-origin" }).finally(function () {
      window.location.assign("/board/login");
    });
  });
})();
