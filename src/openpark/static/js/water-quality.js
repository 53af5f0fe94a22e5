// A monitoring site's class over time (GB 3838-2002 I–劣V, best at the top) with its target as a
// dashed line. Data come from the page (json_script "class-trend-data"); the tooltip is built by
// openpark.js, which escapes the texts it shows.
(function () {
  "use strict";
  var holder = document.getElementById("class-trend");
  var source = document.getElementById("class-trend-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data || !data.classes.length) { return; }
  function label(number) { return data.labels[number - 1] || ""; }
  var series = [{
    name: "水质类别", type: "line", step: "middle", data: data.classes, symbolSize: 7,
    markLine: data.target ? {
      silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#c0392b" },
      label: { formatter: "目标 " + label(data.target) }, data: [{ yAxis: data.target }]
    } : undefined
  }];
  var chart = echarts.init(holder);
  // Drawn at once, not animated in: a chart captured or printed while the line was still being
  // drawn from left to right showed only its first samples.
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "axis",
      formatter: OpenPark.axisTooltip(function (param) {
        var text = data.exceedances[param.dataIndex];
        return label(param.value) + (text ? "（超标：" + text + "）" : "");
      })
    },
    grid: { left: 50, right: 70, top: 20, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: data.times },
    yAxis: { type: "value", min: 1, max: 6, interval: 1, inverse: true, axisLabel: { formatter: label } },
    visualMap: { show: false, dimension: 1, pieces: [
      { lte: 2, color: "#2e86de" }, { gt: 2, lte: 3, color: "#27ae60" }, { gt: 3, lte: 4, color: "#f1c40f" },
      { gt: 4, lte: 5, color: "#e67e22" }, { gt: 5, color: "#c0392b" }
    ] },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
  holder.dataset.rendered = "1";
}());
