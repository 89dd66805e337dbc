// Refreshes the customer's tracking page from its JSON twin every 30 seconds.
(function () {
  "use strict";
  var jsonUrl = window.location.pathname + ".json";

  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // "2026-11-27" as "Fri 27 Nov", the way the server writes it.
  function dayText(isoDate) {
    var d = new Date(isoDate + "T12:00:00Z");
    var dd = String(d.getUTCDate()).padStart(2, "0");
    return DAYS[d.getUTCDay()] + " " + dd + " " + MONTHS[d.getUTCMonth()];
  }

  function show(data) {
    document.getElementById("status").textContent = data.status_text;
    var win = document.getElementById("window");
    win.textContent = "";
    if (data.window) {
      var day = document.createElement("span");
      day.id = "window-day";
      day.textContent = dayText(data.window.date);
      win.append("Arrival ", day, " between ");
      var strong = document.createElement("strong");
      strong.id = "window-range";
      strong.textContent = data.window.start + "\u2013" + data.window.end;
      var kind = document.createElement("span");
      kind.id = "window-kind";
      kind.textContent = data.window.promised ? "(confirmed)" : "(estimate; confirmed closer to the visit)";
      win.append(strong, " " + data.window.timezone + " ", kind);
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
