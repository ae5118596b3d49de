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

  // Provinces: one metric at a time as a tile grid (the default, drawn by the server), a map or
  // bars. The map outlines are fetched on first use, or read from the page when inlined.
  var section = document.getElementById("provinces");
  var provinceData = document.getElementById("report-provinces");
  if (section && provinceData) { provinces(section, JSON.parse(provinceData.textContent)); }

  function provinces(section, pd) {
    if (!pd.metrics.length) { return; }
    var LEVELS = ["#e8f5e9", "#c8e6c9", "#81c784", "#43a047", "#1b5e20"], NONE = "#e0e0e0";
    var en = section.getAttribute("data-lang") === "en";
    var base = section.getAttribute("data-province-base");
    var select = document.getElementById("province-metric");
    var buttons = section.querySelectorAll(".seg button");
    var legendEl = document.getElementById("province-legend");
    var noneItem = legendEl.lastElementChild;
    var view = "tiles", metric = pd.metrics[0], charts = {}, geo = "none";
    var codes = Object.keys(pd.provinces).sort();

    function name(m) { return en ? m.en : m.zh; }
    function color(v) { return v && v.level !== null && v.level !== undefined ? LEVELS[v.level] : NONE; }
    function valueText(v) {
      if (v && v.value !== null) { return v.text; }
      return metric.percent ? (en ? "base too small, not ranked" : "基数不足，不参与排名") : (en ? "no data" : "无数据");
    }
    function chart(id) {
      if (!charts[id]) {
        var c = echarts.init(document.getElementById(id), null, { renderer: "svg" });
        c.on("click", function (p) { if (base && p.data && p.data.code) { window.location.href = base + p.data.code; } });
        window.addEventListener("resize", function () { c.resize(); });
        charts[id] = c;
      }
      return charts[id];
    }
    function paintTiles() {
      var tiles = section.querySelectorAll(".tile-prov");
      for (var i = 0; i < tiles.length; i++) {
        var v = metric.values[tiles[i].getAttribute("data-code")];
        var level = v && v.level !== null && v.level !== undefined ? v.level : "x";
        tiles[i].className = tiles[i].className.replace(/\blvl\w+/, "lvl" + level);
        tiles[i].querySelector("span").textContent = v ? v.text : "—";
      }
    }
    function paintLegend() {
      while (legendEl.firstChild) { legendEl.removeChild(legendEl.firstChild); }
      metric.legend.forEach(function (item) {
        var li = document.createElement("li"), swatch = document.createElement("i");
        swatch.className = "lvl" + item.level;
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(item.label));
        legendEl.appendChild(li);
      });
      legendEl.appendChild(noneItem);
    }
    function drawBars() {
      var rows = codes.filter(function (c) { return metric.values[c] && metric.values[c].value !== null; });
      rows.sort(function (a, b) { return metric.values[b].value - metric.values[a].value || (a < b ? -1 : 1); });
      rows.reverse();
      var el = document.getElementById("chart-provinces");
      el.style.height = Math.max(300, rows.length * 18 + 40) + "px";
      var c = chart("chart-provinces");
      c.resize();
      c.setOption({
        animation: false, tooltip: {}, grid: { left: 50, right: 56, top: 8, bottom: 20 },
        xAxis: { type: "value", axisLabel: { fontSize: 10 } },
        yAxis: { type: "category", data: rows.map(function (k) { return pd.provinces[k].name; }), axisLabel: { fontSize: 11 } },
        series: [{ type: "bar", name: name(metric), label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return p.data.text; } },
          data: rows.map(function (k) {
            return { value: metric.values[k].value, text: metric.values[k].text, code: k, itemStyle: { color: pd.provinces[k].west ? WEST : OTHER } };
          }) }]
      }, true);
    }
    function drawMap() {
      var el = document.getElementById("chart-map");
      el.style.height = Math.max(260, Math.min(560, Math.round(el.clientWidth * 0.82))) + "px";
      var c = chart("chart-map");
      c.resize();
      c.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) {
          if (p.data) { return p.name + "<br>" + name(metric) + "：" + valueText(p.data.v); }
          return p.name === "南海诸岛" ? p.name : p.name + "：" + (en ? "no data" : "无数据");
        } },
        series: [{
          type: "map", map: "china", roam: false, selectedMode: false, left: 0, right: 0, top: 0, bottom: 0,
          label: { show: false }, emphasis: { label: { show: true, fontSize: 11 }, itemStyle: { areaColor: "#ffd54f" } },
          itemStyle: { areaColor: NONE, borderColor: "#fff", borderWidth: 0.5 },
          data: codes.map(function (k) {
            var v = metric.values[k], p = pd.provinces[k];
            return { name: p.map_name, value: v ? v.value : null, v: v, code: k,
              itemStyle: { areaColor: color(v), borderColor: p.west ? "#1b5e20" : "#fff", borderWidth: p.west ? 1 : 0.5 } };
          })
        }]
      }, true);
    }
    function withOutlines(done) {
      if (geo === "ready") { done(); return; }
      var inline = document.getElementById("report-geo");
      if (inline) {
        echarts.registerMap("china", JSON.parse(inline.textContent));
        geo = "ready";
        done();
        return;
      }
      if (geo === "loading") { return; }
      geo = "loading";
      fetch(section.getAttribute("data-geo-url"))
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (outlines) { echarts.registerMap("china", outlines); geo = "ready"; if (view === "map") { done(); } })
        .catch(function () {
          geo = "none";
          document.getElementById("chart-map").textContent = en ? "The map outlines failed to load." : "地图数据加载失败。";
        });
    }
    function redraw() {
      if (view === "map") { withOutlines(drawMap); } else if (view === "bars") { drawBars(); }
    }
    function show(next) {
      view = next;
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-view") === view));
      }
      var panes = section.querySelectorAll("[data-pane]");
      for (var j = 0; j < panes.length; j++) { panes[j].hidden = panes[j].getAttribute("data-pane") !== view; }
      legendEl.hidden = view === "bars";
      redraw();
    }
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].addEventListener("click", function (e) { show(e.currentTarget.getAttribute("data-view")); });
    }
    select.addEventListener("change", function () {
      metric = pd.metrics.filter(function (m) { return m.key === select.value; })[0] || pd.metrics[0];
      document.getElementById("province-metric-name").textContent = name(metric);
      paintTiles();
      paintLegend();
      redraw();
    });
    document.getElementById("province-controls").hidden = false;
  }
})();
