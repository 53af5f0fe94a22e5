// The economic dashboard's trend chart: 1—N月累计 of this year and last year, and the
// cumulative growth on a second axis. Data come from the page (json_script "trend-data").
// Tooltips come from openpark.js (names shown as text); the rest of a chart is drawn on canvas.
(function () {
  "use strict";
  var holder = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data || !data.months.length) { return; }
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {
      trigger: "axis",
      formatter: OpenPark.axisTooltip(function (param) {
        return OpenPark.formatNumber(param.value) + (param.seriesIndex === 2 ? "%" : " " + data.unit);
      })
    },
    legend: { data: [data.year + "年", (data.year - 1) + "年", "累计增速"] },
    grid: { left: 60, right: 50, bottom: 30, top: 40, containLabel: true },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: data.unit },
      { type: "value", name: "%", splitLine: { show: false } }
    ],
    series: [
      { name: data.year + "年", type: "line", data: data.current, smooth: true },
      { name: (data.year - 1) + "年", type: "line", data: data.previous, smooth: true, lineStyle: { type: "dashed" } },
      { name: "累计增速", type: "line", yAxisIndex: 1, data: data.growth, lineStyle: { type: "dotted" }, symbol: "diamond" }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  holder.dataset.rendered = "1";
}());

// The breakdowns by zone, industry and chain: one horizontal bar chart each of the largest
// groups (the table below lists them all); json_script "breakdown-data", keyed like the
// holders' data-breakdown.
(function () {
  "use strict";
  var LARGEST = 10;
  var source = document.getElementById("breakdown-data");
  if (!source || typeof echarts === "undefined") { return; }
  var all = JSON.parse(source.textContent) || {};
  document.querySelectorAll("[data-breakdown]").forEach(function (holder) {
    var data = all[holder.dataset.breakdown];
    if (!data || !data.names.length) { return; }
    var names = data.names.slice(0, LARGEST), values = data.values.slice(0, LARGEST);
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: OpenPark.axisTooltip(function (param) { return OpenPark.formatNumber(param.value) + " " + data.unit; })
      },
      grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", name: data.unit, splitNumber: 3, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", data: names.slice().reverse(), axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ name: data.name, type: "bar", data: values.slice().reverse() }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    holder.dataset.rendered = "1";
  });
}());
