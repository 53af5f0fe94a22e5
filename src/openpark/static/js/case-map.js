// 随手拍地图: the cases from /community/cases/map/data/ as markers coloured by where they stand,
// over a heatmap (leaflet.heat) of where problems gather. Every text is put on the page as an
// element's textContent (popups, tooltips, legend) or through OpenPark.escapeHtml (the layer
// control, which takes HTML), never as markup.
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
    box.appendChild(line("地址", p.address));
    if (p.description) { box.appendChild(line("描述", p.description)); }
    return box;
  }

  function hint(p) {
    var box = node("div");
    box.appendChild(node("strong", null, p.number));
    box.appendChild(node("div", null, p.category + " · " + p.state));
    return box;
  }

  function marker(feature, latlng) {
    return L.circleMarker(latlng, { radius: 7, color: "#ffffff", weight: 1.5, fillColor: feature.properties.colour,
                                    fillOpacity: 0.9 });
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

  function draw(data) {
    if (data.error) {
      state.textContent = data.error;
      element.dataset.ready = "true";
      return;
    }
    var markers = L.geoJSON(data.features, {
      pointToLayer: marker,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(hint(feature.properties), { sticky: true });
        layer.bindPopup(popup(feature.properties));
      }
    });
    // The view first: the heat layer draws on adding, which needs the map's centre and zoom.
    var bounds = markers.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); }
    else { map.setView([32.0, 120.27], 12); }
    var overlays = {};
    if (typeof L.heatLayer === "function" && data.heat.length) {
      var heat = L.heatLayer(data.heat, { radius: 25, blur: 18, maxZoom: 17, minOpacity: 0.3, max: HEAT_MAX }).addTo(map);
      overlays[OpenPark.escapeHtml("热力图")] = heat;
    }
    markers.addTo(map);
    overlays[OpenPark.escapeHtml("案件（" + data.count + "）")] = markers;
    L.control.layers(null, overlays, { collapsed: window.matchMedia("(max-width: 700px)").matches }).addTo(map);
    legend.replaceChildren.apply(legend, data.legend.map(legendItem));
    state.textContent = data.count ? "共 " + OpenPark.formatNumber(data.count) + " 件案件" +
      (data.more ? "（仅显示最近上报的部分）" : "") + "。" : "没有符合条件的案件。";
    element.dataset.markers = String(data.count);
    element.dataset.ready = "true";
  }

  element.dataset.ready = "false";
  fetch(element.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(draw);
})();
