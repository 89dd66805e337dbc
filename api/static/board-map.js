// The board's map: homes and last reported positions, the day's routes, visits, jobs left out, depots.
// It reads the public plan view (/plans/{day}/view) and redraws when the board does. Tiles are a
// setting; without them (none configured, or none reachable) the map is drawn on a plain background.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var board = document.getElementById("board");
  if (!element || !board || !window.L) { return; }
  var L = window.L;
  var day = board.dataset.day;
  var map = L.map(element, { zoomControl: true, attributionControl: true, preferCanvas: false });
  map.setView([39.5, -98.35], 4);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
  }
  map.createPane("routes").style.zIndex = "390";  // under the markers, whichever route is on top
  var layers = L.layerGroup().addTo(map);
  var routes = {};
  var visits = {};
  var fitted = false;
  var PRIORITY = { P1: "#c62828", P2: "#ef6c00", P3: "#1e6bb8", P4: "#607080" };

  function colour(index) { return "hsl(" + ((index * 137) % 360) + ", 55%, 42%)"; }
  function text(value) { var span = document.createElement("span"); span.textContent = value; return span.innerHTML; }

  function query() {
    var params = new URLSearchParams(window.location.search);
    params.delete("day");
    return params.toString();
  }

  function draw(view) {
    layers.clearLayers();
    routes = {};
    visits = {};
    var bounds = [];
    view.depots.forEach(function (depot) {
      var at = [depot.place.lat, depot.place.lon];
      bounds.push(at);
      L.circleMarker(at, { radius: 7, color: "#3d2a73", weight: 2, fillColor: "#7a5cc2", fillOpacity: 0.9 })
        .bindTooltip("Depot: " + text(depot.place.name)).addTo(layers);
    });
    view.technicians.forEach(function (technician, index) {
      var tint = colour(index);
      var home = [technician.home.lat, technician.home.lon];
      bounds.push(home);
      L.circleMarker(home, { radius: 4, color: tint, weight: 2, fillColor: "#fff", fillOpacity: 1 })
        .bindTooltip("Home of " + text(technician.name)).addTo(layers);
      if (technician.route) {
        var line = [home];
        technician.route.stops.forEach(function (stop) {
          var at = [stop.place.lat, stop.place.lon];
          line.push(at);
          bounds.push(at);
          if (!stop.job_id) { return; }
          var done = stop.progress === "done";
          var marker = L.circleMarker(at, {
            radius: 6, color: stop.sla === "late" ? "#000" : (stop.sla === "at_risk" ? "#f5b700" : "#fff"),
            weight: 2, fillColor: PRIORITY[stop.priority] || "#607080", fillOpacity: done ? 0.35 : 0.95,
            className: "map-visit job-" + stop.job_id
          });
          marker.bindPopup("<strong>" + text(stop.priority + " " + stop.job_id) + "</strong><br>" +
            text(stop.place.name) + "<br>" + text(stop.place.address) + "<br>" + text(technician.name));
          marker.on("click", function () { selectOnBoard(stop.job_id); });
          marker.addTo(layers);
          visits[stop.job_id] = { marker: marker, technician: technician.id };
        });
        line.push(home);
        var polyline = L.polyline(line, { color: tint, weight: 2, opacity: 0.7, pane: "routes" }).addTo(layers);
        polyline.bindTooltip(text(technician.name));
        polyline.on("click", function () { highlight(technician.id); });
        routes[technician.id] = polyline;
      }
      if (technician.position) {
        L.circleMarker([technician.position.lat, technician.position.lon],
          { radius: 8, color: "#1b5e20", weight: 3, fillColor: "#66bb6a", fillOpacity: 0.9 })
          .bindTooltip(text(technician.name) + ": last reported at " + text(technician.position.label))
          .addTo(layers);
      }
    });
    view.left_out.forEach(function (job) {
      var at = [job.place.lat, job.place.lon];
      bounds.push(at);
      var marker = L.circleMarker(at, {
        radius: 6, color: PRIORITY[job.priority] || "#607080", weight: 2, dashArray: "3 2",
        fillColor: "#fff", fillOpacity: 1, className: "map-left-out job-" + job.job_id
      });
      marker.bindPopup("<strong>Left out: " + text(job.priority + " " + job.job_id) + "</strong><br>" +
        text(job.place.name) + "<br>" + text(job.reason_text));
      marker.addTo(layers);
      visits[job.job_id] = { marker: marker, technician: null };
    });
    element.dataset.markers = String(Object.keys(visits).length);
    element.dataset.routes = String(Object.keys(routes).length);
    if (!fitted && bounds.length) { map.fitBounds(bounds, { padding: [12, 12] }); fitted = true; }
    if (performance.mark && !element.dataset.drawn) { performance.mark("map-ready"); }
    element.dataset.drawn = "yes";
  }

  function highlight(technicianId) {
    Object.keys(routes).forEach(function (id) {
      var chosen = id === technicianId;
      routes[id].setStyle({ weight: chosen ? 5 : 2, opacity: chosen || !technicianId ? 0.9 : 0.25 });
      if (chosen) { routes[id].bringToFront(); }
    });
    element.dataset.highlighted = technicianId || "";
    if (technicianId && routes[technicianId]) {
      map.fitBounds(routes[technicianId].getBounds(), { padding: [16, 16], maxZoom: 13 });
    }
  }

  function selectOnBoard(jobId) {
    var block = document.querySelector('.visit[data-job="' + jobId + '"]');
    if (block) {
      block.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      block.scrollIntoView({ block: "nearest" });
    }
  }

  window.addEventListener("board:select", function (event) {
    var detail = event.detail || {};
    highlight(detail.technician || null);
    var found = detail.job ? visits[detail.job] : null;
    if (found) { found.marker.openPopup(); }
  });

  // The board's body carries the plan view it was drawn from (the JSON of /plans/{day}/view).
  function load() {
    var current = document.getElementById("board-body");
    if (!current || !current.dataset.version) { return Promise.resolve(); }
    var embedded = document.getElementById("plan-view-data");
    if (embedded && embedded.textContent.trim()) {
      try { draw(JSON.parse(embedded.textContent)); return Promise.resolve(); } catch (ignored) { /* fetch it */ }
    }
    var filters = query();
    return fetch("/plans/" + day + "/view" + (filters ? "?" + filters : ""), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (view) { if (view) { draw(view); } })
      .catch(function () { /* the board says when the connection is lost */ });
  }
  window.addEventListener("board:refreshed", load);

  var larger = document.getElementById("map-larger");
  if (larger) {
    larger.addEventListener("click", function () {
      var panel = document.getElementById("map-panel");
      var large = panel.classList.toggle("large");
      larger.textContent = large ? "Smaller" : "Larger";
      larger.setAttribute("aria-pressed", large ? "true" : "false");
      window.setTimeout(function () { map.invalidateSize(); }, 50);
    });
  }
  window.addEventListener("board:moved-map", function () { map.invalidateSize(); });
  load();
})();
