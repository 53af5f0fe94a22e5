// OpenPark's own script, loaded on every page before any other. It is the one way users' text
// (names of zones, enterprises, chains, indicators...) reaches Leaflet and ECharts, and it asks
// for confirmation where a button says data-confirm, so that no page needs an inline script
// (the Content-Security-Policy allows none).
var OpenPark = (function () {
  "use strict";

  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

  // Text made safe to hand to anything that takes HTML (Leaflet's tooltips and popups): it shows
  // literally, whatever it contains.
  function escapeHtml(text) {
    var plain = text === null || text === undefined ? "" : String(text);
    return plain.replace(/[&<>"']/g, function (character) { return HTML_ESCAPES[character]; });
  }

  // An element holding text as text (never parsed as HTML).
  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  // A row of a map's popup: "label：text", the text set as text.
  function popupLine(label, text) {
    var row = node("div", "map-popup-row");
    row.appendChild(node("span", "muted", label + "："));
    row.appendChild(document.createTextNode(text));
    return row;
  }

  // A number as people read it: thousands separators, at most two decimals; "—" when missing.
  function formatNumber(value) {
    if (value === null || value === undefined || value === "" || isNaN(value)) { return "—"; }
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  // An ECharts tooltip as DOM nodes. ECharts inserts a node returned by a formatter as it is, so
  // names are shown as text, and the markers are coloured through the CSSOM: ECharts' own
  // tooltip markup carries inline style attributes, which the CSP refuses.
  function tooltipBox(title, rows) {
    var box = node("div", "chart-tip");
    if (title !== undefined && title !== null && title !== "") { box.appendChild(node("div", "chart-tip-title", title)); }
    rows.forEach(function (row) {
      var line = node("div", "chart-tip-row");
      var marker = node("span", "chart-tip-marker");
      if (typeof row.colour === "string") { marker.style.backgroundColor = row.colour; }
      line.appendChild(marker);
      line.appendChild(node("span", "chart-tip-label", row.label));
      line.appendChild(node("span", "chart-tip-value", row.value));
      box.appendChild(line);
    });
    return box;
  }

  function defaultValueText(param) { return formatNumber(param.value); }

  // Formatter of a tooltip with trigger "axis": the category, then each series and its value.
  // valueText(param) gives a value's text (default: the number).
  function axisTooltip(valueText) {
    var text = valueText || defaultValueText;
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      return tooltipBox(list.length ? list[0].axisValueLabel : "", list.map(function (param) {
        return { colour: param.color, label: param.seriesName, value: text(param) };
      }));
    };
  }

  // Formatter of a radar's tooltip (trigger "item"): the line's name, then each axis and its value.
  // valuesOf(param) gives the line's values as they should read (default: those drawn).
  function radarTooltip(axisNames, valuesOf) {
    return function (param) {
      var values = valuesOf ? valuesOf(param) : param.value;
      return tooltipBox(param.name, axisNames.map(function (name, i) {
        return { colour: param.color, label: name, value: formatNumber(values[i]) };
      }));
    };
  }

  // <button data-confirm="确定……？"> (or a form or link with it) asks before it acts.
  function confirmed(element) {
    return !element || window.confirm(element.getAttribute("data-confirm"));
  }

  document.addEventListener("submit", function (event) {
    var asking = (event.submitter && event.submitter.closest("[data-confirm]")) ||
                 event.target.closest("form[data-confirm]");
    if (!confirmed(asking)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (!confirmed(link)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // <select data-autocomplete="/core/autocomplete/…/"> holds only the chosen records; typing in
  // the box before it asks the server for matches, among the rows the user may see.
  function typeAhead(select) {
    var box = node("input", "type-ahead");
    box.type = "search";
    box.placeholder = select.getAttribute("data-placeholder") || "";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    var pending = null;

    function show(results) {
      var keep = Array.prototype.filter.call(select.options, function (option) {
        return option.selected || option.value === "";
      });
      var kept = {};
      keep.forEach(function (option) { kept[option.value] = true; });
      while (select.options.length) { select.remove(0); }
      keep.forEach(function (option) { select.add(option); });
      results.forEach(function (row) {
        if (!kept[String(row.id)]) { select.add(new Option(row.text, row.id)); }
      });
      select.dataset.loaded = String(results.length);
    }

    function ask() {
      var url = select.getAttribute("data-autocomplete") + "?q=" + encodeURIComponent(box.value.trim());
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { show(data.results || []); });
    }

    box.addEventListener("input", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(ask, 250);
    });
    select.addEventListener("focus", function () { if (!select.dataset.loaded) { ask(); } });
  }

  // The sidebar's module groups stay as the user left them (open or closed), from page to page;
  // the group of the page being shown is always open.
  var NAV_STATE = "openpark.nav.closed";

  function closedModules() {
    try { return JSON.parse(window.localStorage.getItem(NAV_STATE)) || []; } catch (error) { return []; }
  }

  function rememberModules(sidebar) {
    var closed = Array.prototype.filter.call(sidebar.querySelectorAll("details[data-module]"), function (group) {
      return !group.open;
    }).map(function (group) { return group.getAttribute("data-module"); });
    try { window.localStorage.setItem(NAV_STATE, JSON.stringify(closed)); } catch (error) { /* private mode */ }
  }

  function sidebarGroups(sidebar) {
    var closed = closedModules();
    sidebar.querySelectorAll("details[data-module]").forEach(function (group) {
      if (closed.indexOf(group.getAttribute("data-module")) >= 0 && !group.classList.contains("has-current")) {
        group.open = false;
      }
      group.addEventListener("toggle", function () { rememberModules(sidebar); });
    });
  }

  // On a phone the sidebar is a drawer that the top bar's ☰ button opens and closes.
  function drawer(button) {
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", open ? "关闭菜单" : "打开菜单");
    });
  }

  // A table wider than its frame (a phone) says so: a line "左右滑动" kept in view, and its right
  // edge fading while there is more to the right (`.scrolls`, `.scrolled-end`; openpark.css).
  function scrollHint(wrap) {
    function update() {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      wrap.classList.toggle("scrolled-end", !scrolls || wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 1);
    }
    wrap.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  // A Leaflet map on `element`, drawn on canvas, with the configured basemap when the page names
  // one (data-tiles), and kept on the element for other scripts (and the browser tests) to work with.
  function baseMap(element, options) {
    var map = L.map(element, Object.assign({ preferCanvas: true }, options || {}));
    map.attributionControl.setPrefix(false);  // no link out to the library's site from an intranet
    element.leafletMap = map;
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  // On a phone the top bar's search box hides behind a search button, and opens on a line of its
  // own under the bar (`body.search-open`; openpark.css).
  function searchToggle(button) {
    var box = document.querySelector("#global-search input");
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("search-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", open ? "关闭搜索" : "打开搜索");
      if (open && box) { box.focus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".table-wrap").forEach(scrollHint);
    document.querySelectorAll("select[data-autocomplete]").forEach(typeAhead);
    var sidebar = document.getElementById("sidebar");
    if (sidebar) { sidebarGroups(sidebar); }
    var toggle = document.getElementById("nav-toggle");
    if (toggle) { drawer(toggle); }
    var search = document.getElementById("search-toggle");
    if (search) { searchToggle(search); }
  });

  return {
    escapeHtml: escapeHtml, node: node, popupLine: popupLine, formatNumber: formatNumber, baseMap: baseMap,
    axisTooltip: axisTooltip, radarTooltip: radarTooltip
  };
}());
