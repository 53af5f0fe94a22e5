// Charts of the 亩均 evaluation: an enterprise's scores against its group and industry
// (json_script "radar-data"): a radar with three indicators or more (#radar-chart), bars with
// fewer (#score-bars); and a run's distributions (json_script "distribution-data").
// Tooltips come from openpark.js (names shown as text); the rest of a chart is drawn on canvas.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(holder, option) {
    var chart = echarts.init(holder);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    holder.dataset.rendered = "1";
  }

  // The report's colours: the enterprise, its group's average, its industry's average.
  var SERIES_COLOURS = ["#1F5FA8", "#E07B24", "#5B9E4D"];
  var radar = data("radar-data"), radarHolder = document.getElementById("radar-chart");
  if (radar && radarHolder && radar.names.length) {
    var names = ["本企业", "组内平均", "行业平均"];
    draw(radarHolder, {
      color: SERIES_COLOURS,
      // Confined, an item tooltip has no arrow (ECharts draws it as markup with an inline style).
      tooltip: {
        confine: true,
        formatter: OpenPark.radarTooltip(radar.names, function (param) { return radar.series[param.dataIndex]; })
      },
      legend: { data: names, bottom: 0 },
      radar: { indicator: radar.names.map(function (name) { return { name: name, max: 150 }; }), radius: "62%" },
      series: [{
        type: "radar",
        data: radar.series.map(function (values, i) {
          return { name: names[i], value: values.map(function (v) { return v === null ? 0 : v; }) };
        })
      }]
    });
  }

  var barsHolder = document.getElementById("score-bars");
  if (radar && barsHolder && radar.names.length) {
    var seriesNames = ["本企业", "组内平均", "行业平均"];
    draw(barsHolder, {
      color: SERIES_COLOURS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, formatter: OpenPark.axisTooltip() },
      legend: { data: seriesNames, bottom: 0 },
      grid: { left: 10, right: 50, bottom: 56, top: 20, containLabel: true },
      xAxis: { type: "value", min: 0, name: "得分占权重（%）", nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "category", data: radar.names, inverse: true },
      series: radar.series.map(function (values, i) {
        return { name: seriesNames[i], type: "bar", data: values.map(function (v) { return v === null ? 0 : v; }),
                 label: { show: true, position: "right", formatter: "{c}%" } };
      })
    });
  }

  var distribution = data("distribution-data");
  if (!distribution) { return; }
  var titles = { histogram: "总分分布（家）", by_group: "各组等级（家）", by_zone: "各片区等级（家）", by_industry: "各行业等级（家）" };
  document.querySelectorAll("[data-chart]").forEach(function (holder) {
    var key = holder.dataset.chart;
    if (key === "histogram") {
      var groups = Object.keys(distribution.histogram.groups);
      draw(holder, {
        title: { text: titles[key], textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis", formatter: OpenPark.axisTooltip() }, legend: { data: groups, right: 0 },
        grid: { left: 40, right: 10, bottom: 40, top: 40 },
        xAxis: { type: "category", data: distribution.histogram.edges, axisLabel: { rotate: 45, fontSize: 10 } },
        yAxis: { type: "value" },
        series: groups.map(function (g) { return { name: g, type: "bar", data: distribution.histogram.groups[g] }; })
      });
      return;
    }
    var counts = distribution[key], categories = Object.keys(counts);
    draw(holder, {
      title: { text: titles[key], textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: OpenPark.axisTooltip() },
      legend: { data: distribution.grades.map(function (grade) { return distribution.grade_labels[grade]; }), right: 0 },
      grid: { left: 10, right: 10, bottom: 10, top: 40, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: categories, axisLabel: { width: 110, overflow: "truncate" } },
      series: distribution.grades.map(function (grade) {
        return { name: distribution.grade_labels[grade], type: "bar", stack: "grades",
                 data: categories.map(function (c) { return counts[c][grade]; }) };
      })
    });
  });
}());
