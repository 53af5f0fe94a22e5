// The environment map (环保地图): water bodies and segments, outfalls by stage, monitoring sites by
// their latest class and the last patrol tracks, from /environment/map/data/; no basemap needed.
// Every text reaches Leaflet through OpenPark.escapeHtml (openpark.js), as on the enterprise map, or
// as an element's textContent (the names along the rivers).
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element) { return; }
  var map = OpenPark.baseMap(element);
  var legend = document.getElementById("map-legend");
  var escapeHtml = OpenPark.escapeHtml;

  // Name, key figure and a link to the record's page: the popup of every feature.
  function popup(properties) {
    return '<a href="' + escapeHtml(properties.url) + '">' + escapeHtml(properties.name) + "</a><br>" +
      escapeHtml(properties.figure);
  }

  // A hover tooltip names the feature; a click opens its popup, and the tooltip goes while the
  // popup is open (the two would cover each other), to come back once it closes.
  function bind(feature, layer) {
    var hint = escapeHtml(feature.properties.name) + "<br>" + escapeHtml(feature.properties.figure);
    layer.bindTooltip(hint, { sticky: true });
    layer.bindPopup(popup(feature.properties));
    layer.on("popupopen", function () { layer.unbindTooltip(); });
    layer.on("popupclose", function () { layer.bindTooltip(hint, { sticky: true }); });
  }

  // A water body's or segment's name, always shown at its point along the line (label_at): an
  // element whose text is the name (never markup), in the line's colour; a water body's name right
  // of its line, a segment's left of it. It belongs to the layer, and goes when the layer is off.
  function labels(data) {
    var water = data.key === "waters";
    return data.features.features.filter(function (feature) {
      return feature.properties.label && feature.properties.label_at;
    }).map(function (feature) {
      var p = feature.properties, element = OpenPark.node("span", null, p.label);
      element.style.color = p.colour;
      return L.tooltip({ permanent: true, interactive: false, direction: water ? "right" : "left",
                         offset: water ? [6, 0] : [-6, 0], className: "map-label map-label-" + data.key })
        .setLatLng([p.label_at[1], p.label_at[0]]).setContent(element);
    });
  }

  // Outfalls are small dots ringed in white; monitoring sites larger, ringed in dark grey, so that a
  // green outfall (closed) and a green site (class III) are told apart.
  function circle(feature, latlng) {
    var site = feature.properties.water_class !== undefined;
    return L.circleMarker(latlng, { radius: site ? 8 : 6, color: site ? "#1f2933" : "#fff", weight: site ? 2.5 : 1.5,
                                    fillColor: feature.properties.colour, fillOpacity: 0.95 });
  }

  // How each layer is drawn.
  var STYLES = {
    waters: function (feature) {
      var p = feature.properties;
      return { color: p.colour, weight: p.yangtze ? 9 : 4, opacity: p.yangtze ? 0.55 : 0.85,
               fillColor: p.colour, fillOpacity: p.lake ? 0.3 : 0 };
    },
    segments: function (feature) { return { color: feature.properties.colour, weight: 2.5, opacity: 0.95 }; },
    patrols: function (feature) {
      return { color: feature.properties.colour, weight: 2, opacity: 0.75,
               dashArray: feature.properties.counts ? null : "6 5" };
    }
  };

  function layerOf(data) {
    var shapes = L.geoJSON(data.features, {
      style: STYLES[data.key],
      pointToLayer: circle,
      onEachFeature: bind
    });
    return L.featureGroup([shapes].concat(labels(data)));
  }

  function swatch(item) {
    var mark = OpenPark.node("i");
    if (item.shape === "line" || item.shape === "dashed") {
      mark.className = item.shape === "dashed" ? "legend-line dashed" : "legend-line";
      mark.style.color = item.colour;
    } else {
      if (item.water_class !== undefined) { mark.className = "legend-site"; }
      mark.style.backgroundColor = item.colour;
    }
    return mark;
  }

  function legendGroup(data) {
    var group = OpenPark.node("div", "legend-group");
    group.dataset.layer = data.key;
    group.appendChild(OpenPark.node("strong", null, data.name));
    data.legend.forEach(function (item) {
      var entry = OpenPark.node("span", "legend-item");
      entry.appendChild(swatch(item));
      entry.appendChild(document.createTextNode(item.label + "（" + OpenPark.formatNumber(item.count) + "）"));
      group.appendChild(entry);
    });
    return group;
  }

  function draw(data) {
    var overlays = {};
    var everything = L.featureGroup();
    data.layers.forEach(function (layerData) {
      var layer = layerOf(layerData).addTo(map);
      layer.addTo(everything);
      overlays[escapeHtml(layerData.name + "（" + layerData.features.features.length + "）")] = layer;
      element.dataset[layerData.key] = String(layerData.features.features.length);
    });
    // Open beside the map on a wide screen; on a phone folded into its button, clear of the map.
    L.control.layers(null, overlays, { collapsed: window.matchMedia("(max-width: 700px)").matches }).addTo(map);
    legend.replaceChildren.apply(legend, data.layers.map(legendGroup));
    var bounds = everything.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); }
    else { map.setView([32.0, 120.27], 12); }
    element.dataset.ready = "true";
  }

  element.dataset.ready = "false";
  fetch(element.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(draw);
})();
