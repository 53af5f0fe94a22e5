// One patrol's track on its page (巡河轨迹): the line walked over the water body patrolled, its start
// and end marked, from the page's JSON (#patrol-track-data); no basemap needed. Texts reach Leaflet
// through OpenPark.escapeHtml (openpark.js).
(function () {
  "use strict";
  var element = document.getElementById("patrol-track-map");
  var source = document.getElementById("patrol-track-data");
  if (!element || !source) { return; }
  var data = JSON.parse(source.textContent);
  var escapeHtml = OpenPark.escapeHtml;
  var map = OpenPark.baseMap(element, { scrollWheelZoom: false });
  // The view first: vector layers are drawn into a map that has one.
  var track = L.geoJSON(data.track, { style: { color: data.colour, weight: 3, opacity: 0.9 } });
  map.fitBounds(track.getBounds(), { padding: [24, 24], maxZoom: 17 });
  if (data.water) {
    L.geoJSON(data.water, { interactive: false,
                            style: { color: data.water_colour, weight: 6, opacity: 0.35, fillOpacity: 0.15 } })
      .addTo(map);
  }
  track.addTo(map);
  function end(mark, fill) {
    return L.circleMarker([mark.point[1], mark.point[0]],
                          { radius: 6, color: "#fff", weight: 2, fillColor: fill, fillOpacity: 1 })
      .bindTooltip(escapeHtml(mark.label)).addTo(map);
  }
  end(data.start, "#2e9d4f");
  end(data.end, "#d32f2f");
  element.dataset.ready = "true";
})();
