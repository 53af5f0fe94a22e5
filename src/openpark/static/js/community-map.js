// 服务站点地图: the centres, the 小哥驿站 and the 靖小蜂 stations from /community/map/data/, each tier
// in its colour and size, those closed now hollow; no basemap needed. Every text is put on the page
// as an element's textContent (popups, tooltips, legend) or through OpenPark.escapeHtml (the layer
// control, which takes HTML), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element) { return; }
  var map = OpenPark.baseMap(element);
  var legend = document.getElementById("map-legend");
  var state = document.getElementById("map-state");
  var node = OpenPark.node;

  var line = OpenPark.popupLine;

  // The station's name linking to its page, its tier and whether it is open now, its hours,
  // facilities and address.
  function popup(p) {
    var box = node("div", "station-popup");
    var link = node("a", null, p.name);
    link.href = p.url;
    var title = node("strong");
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(node("div", p.open ? "station-open" : "station-closed", p.label + " · " + p.state));
    box.appendChild(line("开放时段", p.hours));
    box.appendChild(line("设施", p.facilities));
    box.appendChild(line("地址", p.address));
    return box;
  }

  function hint(p) {
    var box = node("div");
    box.appendChild(node("strong", null, p.name));
    box.appendChild(node("div", null, p.label + " · " + p.state + " · " + p.hours));
    return box;
  }

  // A hover tooltip names the station; a click opens its popup, and the tooltip goes while the
  // popup is open, to come back once it closes.
  function bind(feature, layer) {
    var p = feature.properties;
    layer.bindTooltip(hint(p), { sticky: true });
    layer.bindPopup(popup(p));
    layer.on("popupopen", function () { layer.unbindTooltip(); });
    layer.on("popupclose", function () { layer.bindTooltip(hint(p), { sticky: true }); });
  }

  // Open: filled in the tier's colour, ringed in white (the centres in dark grey); closed: hollow,
  // a ring in the tier's colour round a white middle.
  function marker(feature, latlng) {
    var p = feature.properties, centre = p.radius >= 12;
    if (p.open) {
      return L.circleMarker(latlng, { radius: p.radius, color: centre ? "#1f2933" : "#ffffff", weight: centre ? 2.5 : 1.5,
                                      fillColor: p.colour, fillOpacity: 0.95 });
    }
    return L.circleMarker(latlng, { radius: p.radius, color: p.colour, weight: centre ? 4 : 2.5,
                                    fillColor: "#ffffff", fillOpacity: 0.8 });
  }

  function swatch(item, hollow) {
    var mark = node("i", hollow ? "legend-station hollow" : "legend-station");
    var size = (item.radius * 2) + "px";
    mark.style.width = size;
    mark.style.height = size;
    if (hollow) { mark.style.borderColor = item.colour; } else { mark.style.backgroundColor = item.colour; }
    return mark;
  }

  function legendGroup(data) {
    var group = node("div", "legend-group");
    group.dataset.layer = data.key;
    group.appendChild(node("strong", null, data.name));
    data.legend.forEach(function (item) {
      var entry = node("span", "legend-item");
      entry.appendChild(swatch(item, false));
      entry.appendChild(document.createTextNode(item.label + "（" + OpenPark.formatNumber(item.count) + "）"));
      group.appendChild(entry);
      var closed = node("span", "legend-item muted");
      closed.appendChild(swatch(item, true));
      closed.appendChild(document.createTextNode("其中已关闭（" + OpenPark.formatNumber(item.closed) + "）"));
      group.appendChild(closed);
    });
    return group;
  }

  function draw(data) {
    var overlays = {}, everything = L.featureGroup(), byId = {}, total = 0;
    data.layers.forEach(function (layerData) {
      var count = layerData.features.features.length;
      var layer = L.geoJSON(layerData.features, {
        pointToLayer: marker,
        onEachFeature: function (feature, drawn) { bind(feature, drawn); byId[String(feature.id)] = drawn; }
      }).addTo(map);
      layer.addTo(everything);
      overlays[OpenPark.escapeHtml(layerData.name + "（" + count + "）")] = layer;
      element.dataset[layerData.key] = String(count);
      total += count;
    });
    element.dataset.markers = String(total);
    L.control.layers(null, overlays, { collapsed: window.matchMedia("(max-width: 700px)").matches }).addTo(map);
    legend.replaceChildren.apply(legend, data.layers.map(legendGroup));
    state.textContent = data.layers.length ?
      data.at + " 开放中 " + OpenPark.formatNumber(data.open) + " 个，已关闭 " + OpenPark.formatNumber(data.closed) + " 个（空心）。" :
      "没有可查看的站点。";
    var bounds = everything.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); }
    else { map.setView([32.0, 120.27], 12); }
    var focus = element.dataset.focus;
    if (focus) {
      var chosen = byId[focus];
      if (chosen) {
        map.setView(chosen.getLatLng(), 17);
        chosen.openPopup();
      } else {
        state.textContent += "所选站点不在地图上。";
      }
    }
    element.dataset.ready = "true";
  }

  element.dataset.ready = "false";
  fetch(element.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(draw);
})();
