// Logs in without leaving the page, so a wrong password is said here rather than as a raw error page.
(function () {
  "use strict";
  var form = document.querySelector("form.login");
  if (!form || !window.fetch) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var next = form.elements.next.value;
    var body = new URLSearchParams();
    body.set("username", form.elements.username.value);
    body.set("password", form.elements.password.value);
    var error = form.querySelector(".error");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.ok) { window.location.assign(next); return; }
        error.textContent = response.status === 401 ? "Wrong email or password." :
          response.status === 429 ? "Too many failed logins: wait a while, then try again." :
          "Could not log in; try again.";
        error.hidden = false;
      })
      .catch(function () {
        error.textContent = "No connection: try again when you are back online.";
        error.hidden = false;
      });
  });
})();
