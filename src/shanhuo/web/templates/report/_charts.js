(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var data = JSON.parse(document.getElementById("report-charts").textContent);
  var WEST = "#2f7d32", OTHER = "#9e9e9e";
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    option.title = { text: el.getAttribute("data-title"), textStyle: { fontSize: 14 } };
    option.animation = false;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(d, key) {
    return d[key].map(function (v, i) { return { value: v, itemStyle: { color: d.west[i] ? WEST : OTHER } }; });
  }
  var g = data.growth;
  draw("chart-growth", {
    grid: { left: 60, right: 20, top: 40, bottom: 20 },
    xAxis: { type: "value" }, yAxis: { type: "category", data: g.names.slice().reverse(), axisLabel: { fontSize: 11 } },
    tooltip: {}, series: [{ type: "bar", data: bars(g, "values").reverse(), label: { show: true, position: "right", fontSize: 10 } }]
  });
  document.getElementById("chart-growth") && (document.getElementById("chart-growth").style.height = Math.max(300, g.names.length * 18 + 60) + "px");
  function lines(d) {
    return d.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: true }; });
  }
  draw("chart-trend", { grid: { left: 50, right: 15, top: 60, bottom: 30 }, legend: { top: 24 }, tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.trend.years }, yAxis: { type: "value" }, series: lines(data.trend) });
  draw("chart-lanes", { grid: { left: 50, right: 15, top: 84, bottom: 30 }, legend: { top: 24 }, tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.lanes.years }, yAxis: { type: "value", name: "h" }, series: lines(data.lanes) });
  var a = data.anchors;
  draw("chart-anchors", { grid: { left: 50, right: 15, top: 40, bottom: 40 }, tooltip: {},
    xAxis: { type: "category", data: a.names, axisLabel: { rotate: 40, fontSize: 11 } }, yAxis: { type: "value" },
    series: [{ type: "bar", data: bars(a, "values") }] });
  var f = data.financing;
  draw("chart-financing", { grid: { left: 60, right: 15, top: 60, bottom: 30 }, legend: { top: 24 }, tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: f.names }, yAxis: { type: "value" },
    series: [{ name: "base", type: "bar", data: f.base, itemStyle: { color: OTHER } }, { name: "current", type: "bar", data: f.current, itemStyle: { color: WEST } }] });
})();
