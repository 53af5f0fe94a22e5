// The enterprise map: boundaries and coloured points from /enterprises/map/data/, no basemap needed.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element) { return; }
  var map = L.map(element, { preferCanvas: true });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  var layers = L.layerGroup().addTo(map);
  var legend = document.getElementById("map-legend");
  var colour = document.getElementById("map-colour");
  var year = document.getElementById("map-year");

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function draw(data) {
    layers.clearLayers();
    var bounds = L.featureGroup().addTo(layers);
    L.geoJSON(data.zones, {
      style: { color: "#1d5fa8", weight: 2, fillOpacity: 0.05 },
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "zone-label" }); }
    }).addTo(bounds);
    L.geoJSON(data.subparks, { style: { color: "#e07b00", weight: 1, dashArray: "4 3", fillOpacity: 0.03 } }).addTo(bounds);
    L.geoJSON(data.enterprises, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9 });
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup('<a href="' + f.properties.url + '">' + escapeHtml(f.properties.name) + "</a><br>" + escapeHtml(f.properties.category));
      }
    }).addTo(bounds);
    if (bounds.getLayers().length && bounds.getBounds().isValid()) { map.fitBounds(bounds.getBounds(), { padding: [20, 20] }); }
    else { map.setView([32.0, 120.27], 12); }
    legend.innerHTML = data.legend.map(function (item) {
      return '<span class="legend-item"><i style="background:' + item.colour + '"></i>' + escapeHtml(item.label) + "（" + item.count + "）</span>";
    }).join("");
    element.dataset.points = data.enterprises.features.length;
    element.dataset.ready = "true";
  }

  function load() {
    element.dataset.ready = "false";
    var url = element.dataset.url + "?colour=" + encodeURIComponent(colour.value) + "&year=" + encodeURIComponent(year.value);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw);
  }

  colour.addEventListener("change", load);
  year.addEventListener("change", load);
  load();
})();
