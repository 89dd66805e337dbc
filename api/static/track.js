// Refreshes the customer's tracking page from its JSON twin every 30 seconds.
(function () {
  "use strict";
  var jsonUrl = window.location.pathname + ".json";

  function show(data) {
    document.getElementById("status").textContent = data.status_text;
    var win = document.getElementById("window");
    win.textContent = "";
    if (data.window) {
      var day = document.createElement("span");
      day.id = "window-day";
      day.textContent = new Date(data.window.date + "T12:00:00Z").toLocaleDateString("en-US", {
        weekday: "short", day: "2-digit", month: "short", timeZone: "UTC"
      });
      win.append("Arrival ", day, " between ");
      var strong = document.createElement("strong");
      strong.id = "window-range";
      strong.textContent = data.window.start + "\u2013" + data.window.end;
      win.append(strong, " " + data.window.timezone);
    }
    document.getElementById("technician").textContent = data.technician ? "Your technician: " + data.technician : "";
  }

  function refresh() {
    fetch(jsonUrl, { credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* offline: keep what is shown */ });
  }

  window.setInterval(refresh, 30000);
})();
