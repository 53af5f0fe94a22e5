// 随手拍地图: the cases from /community/cases/map/data/ as markers coloured by where they stand,
// over a heatmap (leaflet.heat) of where problems gather and the outlines of the grids the user
// may see, with their names (an intranet has no basemap: the grids tell where things are). With
// ?case=<id> the map opens centred on that case, its popup open. The data is kept small (short
// keys, names once; see queue_views.map_cases). Every text is put on the page as an element's
// textContent (popups, tooltips, legend) or through OpenPark.escapeHtml (the layer control, which
// takes HTML), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element) { return; }
  var map = OpenPark.baseMap(element);
  var legend = document.getElementById("map-legend");
  var state = document.getElementById("map-state");
  var node = OpenPark.node;
  // Cases at one spot that draw the heatmap at its hottest: one case alone stays cool.
  var HEAT_MAX = 5;
  var GRID_STYLE = { color: "#5c6bc0", weight: 1.5, opacity: 0.8, fill: true, fillColor: "#c5cae9", fillOpacity: 0.12,
                     interactive: false };

  var line = OpenPark.popupLine;

  function popup(p) {
    var box = node("div", "case-popup");
    var link = node("a", null, p.number);
    link.href = p.url;
    var title = node("strong");
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(node("div", null, p.category + " · " + p.state));
    box.appendChild(line("上报时间", p.reported));
    box.appendChild(line("地址", p.address || "未填写地址"));
    if (p.description) { box.appendChild(line("描述", p.description)); }
    return box;
  }

  function hint(p) {
    var box = node("div");
    box.appendChild(node("strong", null, p.number));
    box.appendChild(node("div", null, p.category + " · " + p.state));
    return box;
  }

  // A case of the data as the popup reads it.
  function properties(item, data, colours) {
    var stateEntry = data.states[item.s];
    return { id: item.i, number: item.n, category: data.categories[item.c], state: stateEntry[0],
             group: stateEntry[1], colour: colours[stateEntry[1]], reported: item.t, address: item.a,
             description: item.d, url: data.url.replace(/\/0\/$/, "/" + item.i + "/") };
  }

  function legendItem(item) {
    var entry = node("span", "legend-item");
    entry.dataset.group = item.key;
    var mark = node("i", "legend-case");
    mark.style.backgroundColor = item.colour;
    entry.appendChild(mark);
    entry.appendChild(document.createTextNode(item.label + "（" + OpenPark.formatNumber(item.count) + "）"));
    return entry;
  }

  function gridLayer(grids) {
    var layer = L.featureGroup();
    grids.forEach(function (grid) {
      var outline = L.geoJSON(grid.boundary, { style: GRID_STYLE });
      outline.bindTooltip(node("span", null, grid.name), { permanent: true, direction: "center", pane: "grids",
                                                             className: "map-label grid-label" });
      outline.addTo(layer);
    });
    return layer;
  }

  function draw(data) {
    if (data.error) {
      state.textContent = data.error;
      element.dataset.ready = "true";
      return;
    }
    var colours = {};
    data.legend.forEach(function (item) { colours[item.key] = item.colour; });
    var markers = L.featureGroup();
    var focused = null;
    data.cases.forEach(function (item) {
      var p = properties(item, data, colours);
      var mark = L.circleMarker([item.p[1], item.p[0]], { radius: 7, color: "#ffffff", weight: 1.5, fillColor: p.colour,
                                                          fillOpacity: 0.9 });
      mark.feature = { properties: p };
      mark.bindTooltip(hint(p), { sticky: true });
      mark.bindPopup(popup(p));
      mark.addTo(markers);
      if (data.focus === item.i) { focused = mark; }
    });
    // The grids under everything else, in their own pane.
    map.createPane("grids").style.zIndex = 350;
    GRID_STYLE.pane = "grids";
    var grids = gridLayer(data.grids || []);
    // The view first: the heat layer draws on adding, which needs the map's centre and zoom.
    var bounds = markers.getLayers().length ? markers.getBounds() : grids.getBounds();
    if (focused) { map.setView(focused.getLatLng(), 17); }
    else if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); }
    else { map.setView([32.0, 120.27], 12); }
    var overlays = {};
    if (data.grids && data.grids.length) {
      grids.addTo(map);
      overlays[OpenPark.escapeHtml("网格（" + data.grids.length + "）")] = grids;
    }
    var heatPoints = data.cases.map(function (item) { return [item.p[1], item.p[0]]; });
    if (typeof L.heatLayer === "function" && heatPoints.length) {
      var heat = L.heatLayer(heatPoints, { radius: 25, blur: 18, maxZoom: 17, minOpacity: 0.3, max: HEAT_MAX }).addTo(map);
      overlays[OpenPark.escapeHtml("热力图")] = heat;
    }
    markers.addTo(map);
    overlays[OpenPark.escapeHtml("案件（" + data.count + "）")] = markers;
    L.control.layers(null, overlays, { collapsed: window.matchMedia("(max-width: 700px)").matches }).addTo(map);
    legend.replaceChildren.apply(legend, data.legend.map(legendItem));
    state.textContent = data.count ? "共 " + OpenPark.formatNumber(data.count) + " 件案件" +
      (data.more ? "（仅显示最近上报的部分）" : "") + "。" : "没有符合条件的案件。";
    if (focused) { focused.openPopup(); }
    element.dataset.markers = String(data.count);
    element.dataset.grids = String((data.grids || []).length);
    if (focused) { element.dataset.focus = String(data.focus); }
    element.dataset.ready = "true";
  }

  element.dataset.ready = "false";
  fetch(element.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(draw);
})();
