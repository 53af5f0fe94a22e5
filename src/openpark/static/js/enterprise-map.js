// The enterprise map: boundaries and coloured points from /enterprises/map/data/, no basemap needed.
// Every name reaches Leaflet through OpenPark.escapeHtml (openpark.js).
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element) { return; }
  // A cockpit map (data-fit="enterprises") fits its enterprises as closely as its size allows and
  // fits them again when its size changes (a wall display's layout settling, full screen).
  var fitEnterprises = element.dataset.fit === "enterprises";
  var map = OpenPark.baseMap(element, fitEnterprises ? { zoomSnap: 0.1 } : {});
  var layers = L.layerGroup().addTo(map);
  var legend = document.getElementById("map-legend");
  var colour = document.getElementById("map-colour");
  var year = document.getElementById("map-year");
  var escapeHtml = OpenPark.escapeHtml;

  function popup(properties) {
    return '<a href="' + escapeHtml(properties.url) + '">' + escapeHtml(properties.name) + "</a><br>" +
      escapeHtml(properties.category);
  }

  function legendItem(item) {
    var entry = OpenPark.node("span", "legend-item");
    var swatch = OpenPark.node("i");
    swatch.style.backgroundColor = item.colour;
    entry.appendChild(swatch);
    entry.appendChild(document.createTextNode(item.label + "（" + item.count + "）"));
    return entry;
  }

  // The zones' names sit at their centres; on a small map (the cockpit's) two centres may be
  // closer than a name is long: a name that would cover one already placed moves down below it.
  var zoneLabels = [];
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function declutter() {
    var placed = [];
    zoneLabels.forEach(function (tooltip) {
      tooltip.options.offset = [0, 0];
      tooltip.update();
      var label = tooltip.getElement();
      if (!label) { return; }
      var rect = label.getBoundingClientRect(), shift = 0;
      for (var tries = 0; tries < placed.length + 1; tries++) {
        var moved = { left: rect.left, right: rect.right, top: rect.top + shift, bottom: rect.bottom + shift };
        var hit = placed.filter(function (other) { return overlaps(moved, other); })[0];
        if (!hit) { break; }
        shift = hit.bottom - rect.top + 2;
      }
      if (shift) {
        tooltip.options.offset = [0, shift];
        tooltip.update();
        rect = label.getBoundingClientRect();
      }
      placed.push(rect);
    });
  }
  map.on("zoomend moveend", declutter);

  function draw(data) {
    layers.clearLayers();
    zoneLabels = [];
    var bounds = L.featureGroup().addTo(layers);
    L.geoJSON(data.zones, {
      style: { color: "#1d5fa8", weight: 2, fillOpacity: 0.05 },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(escapeHtml(f.properties.name), { permanent: true, direction: "center", className: "zone-label" });
        zoneLabels.push(layer.getTooltip());
      }
    }).addTo(bounds);
    L.geoJSON(data.subparks, {
      style: { color: "#e07b00", weight: 1, dashArray: "4 3", fillOpacity: 0.03 },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(escapeHtml(f.properties.name), { sticky: true, className: "subpark-label" });
      }
    }).addTo(bounds);
    var points = L.geoJSON(data.enterprises, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9 });
      },
      onEachFeature: function (f, layer) { layer.bindPopup(popup(f.properties)); }
    }).addTo(bounds);
    fitted = fitEnterprises && points.getLayers().length ? points : bounds;
    fit();
    declutter();
    legend.replaceChildren.apply(legend, data.legend.map(legendItem));
    element.dataset.points = data.enterprises.features.length;
    element.dataset.ready = "true";
  }

  var fitted = null;
  function fit() {
    if (fitted && fitted.getLayers().length && fitted.getBounds().isValid()) { map.fitBounds(fitted.getBounds(), { padding: [20, 20] }); }
    else { map.setView([32.0, 120.27], 12); }
  }
  if (fitEnterprises && window.ResizeObserver) {
    new ResizeObserver(function () { map.invalidateSize(false); if (fitted) { fit(); } }).observe(element);
  }

  var latest = 0;  // a slower answer to an earlier choice must not replace the latest one
  function load() {
    var request = ++latest;
    element.dataset.ready = "false";
    var url = element.dataset.url + "?colour=" + encodeURIComponent(colour.value) + "&year=" + encodeURIComponent(year.value);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      if (request === latest) { draw(data); }
    });
  }

  // The page keeps its colouring and year in its address (?colour=…&year=…), to share or reload.
  // Until the user chooses a year, a colouring opens at its own latest year (its option's data-year).
  function remember() {
    if (!window.history || !window.history.replaceState || !document.getElementById("map-controls")) { return; }
    var params = new URLSearchParams(window.location.search);
    params.set("colour", colour.value);
    params.set("year", year.value);
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  }
  colour.addEventListener("change", function () {
    var option = colour.options[colour.selectedIndex];
    if (year.dataset.chosen !== "true" && option && option.dataset.year) { year.value = option.dataset.year; }
    remember();
    load();
  });
  year.addEventListener("change", function () { year.dataset.chosen = "true"; remember(); load(); });
  load();
})();
