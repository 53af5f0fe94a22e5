// The small map of one 随手拍 case (its staff page and its reporter's page): the case's point and
// the outline of its grid, from the element's data attributes (data-point: [lng, lat];
// data-grid: {"name", "boundary"} or null), so that anyone can check where it is even without a
// basemap. Names are set as text (OpenPark.node), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("case-point-map");
  if (!element || typeof L === "undefined") { return; }
  var point = JSON.parse(element.dataset.point);
  var grid = element.dataset.grid ? JSON.parse(element.dataset.grid) : null;
  var map = OpenPark.baseMap(element, { scrollWheelZoom: false });
  var latlng = [point[1], point[0]];
  // The grid and its name under the case's marker.
  map.createPane("grids").style.zIndex = 350;
  var bounds = L.latLngBounds([latlng]);
  var outline = null;
  if (grid) {
    outline = L.geoJSON(grid.boundary, { style: { color: "#5c6bc0", weight: 2, fillColor: "#c5cae9", fillOpacity: 0.15 },
                                         interactive: false, pane: "grids" });
    bounds.extend(outline.getBounds());
  }
  // The view first: a canvas layer draws on adding, which needs the map's centre and zoom.
  map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
  if (outline) {
    outline.addTo(map);
    outline.bindTooltip(OpenPark.node("span", null, grid.name), { permanent: true, direction: "center", pane: "grids",
                                                                  className: "map-label grid-label" });
  }
  var marker = L.circleMarker(latlng, { radius: 8, color: "#ffffff", weight: 2, fillColor: "#e65100", fillOpacity: 0.95 })
    .addTo(map);
  marker.bindTooltip(OpenPark.node("span", null, element.dataset.number || "案件位置"));
  element.dataset.ready = "true";
})();
