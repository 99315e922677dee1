/* The ranking dashboard's charts (templates/scoring/dashboard.html), drawn with our own copy of Chart.js from the
   page's json_script "dashboard-data". Decimals arrive as strings, exactly as the tables print them; they become
   numbers here only to be drawn, and tooltips print them back with a decimal comma. Every chart has its table
   right below it, opened for printing. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var style = getComputedStyle(document.documentElement);
  var gradeTone = {};
  data.bands.forEach(function (band) { gradeTone[band.code] = band.tone; });

  function tone(n) { return style.getPropertyValue("--tone-" + (n || 5)).trim() || "#777"; }
  function number(text) { return text === null || text === undefined ? null : parseFloat(text); }
  function vi(text) { return text === null || text === undefined ? "—" : String(text).replace(".", ","); }

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1f2933";
  Chart.defaults.animation = false;  // printed and screenshotted as soon as drawn
  Chart.defaults.maintainAspectRatio = false;

  // Grade bands behind the bars: each tier from its floor to the floor of the tier above, labelled on the right.
  var gradeBands = {
    id: "gradeBands",
    beforeDatasetsDraw: function (chart) {
      var y = chart.scales.y, box = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      data.bands.forEach(function (band, i) {
        var top = i === 0 ? y.max : Math.min(number(data.bands[i - 1].min_index), y.max);
        var bottom = Math.max(number(band.min_index), y.min);
        if (top <= bottom) return;
        var yTop = y.getPixelForValue(top), yBottom = y.getPixelForValue(bottom);
        ctx.globalAlpha = 0.10;
        ctx.fillStyle = tone(band.tone);
        ctx.fillRect(box.left, yTop, box.right - box.left, yBottom - yTop);
        ctx.globalAlpha = 1;
        ctx.fillStyle = tone(band.tone);
        ctx.textAlign = "right";
        ctx.textBaseline = "top";
        ctx.font = "12px " + Chart.defaults.font.family;
        ctx.fillText(band.label + " ≥ " + vi(band.min_index), box.right - 4, yTop + 3);
      });
      ctx.restore();
    }
  };

  function percentAxis() {
    // data.max: the top of the index's scale (100 for percent and points, 1 for an index shown on 0-1).
    return { beginAtZero: true, suggestedMax: data.max || 100, title: { display: true, text: data.text.index },
             ticks: { callback: function (value) { return vi(value); } } };
  }

  function rankedChart(canvas) {
    var units = data.ranked.units;
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: units.map(function (unit) { return unit.code; }),
        datasets: [{
          label: data.text.index,
          data: units.map(function (unit) { return number(unit.index); }),
          backgroundColor: units.map(function (unit) { return tone(gradeTone[unit.grade]); })
        }]
      },
      options: {
        scales: { y: percentAxis(), x: { ticks: { autoSkip: true, maxRotation: 90 } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: {
            title: function (items) { return units[items[0].dataIndex].name; },
            label: function (item) { return data.text.index + ": " + vi(units[item.dataIndex].index); }
          } }
        }
      },
      plugins: [gradeBands]
    });
  }

  function distributionChart(canvas) {
    var tiers = data.distribution;
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: tiers.map(function (tier) { return tier.label; }),
        datasets: [{ label: data.text.units, data: tiers.map(function (tier) { return tier.count; }),
                     backgroundColor: tiers.map(function (tier) { return tone(tier.tone); }) }]
      },
      options: { plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  var LINE_COLOURS = ["#0b57a4", "#8e24aa", "#00897b", "#ef6c00", "#5d4037", "#c2185b", "#455a64", "#7cb342"];

  function trendChart(canvas) {
    var trend = data.trend;
    var series = [{ label: data.text.average, data: trend.average.map(number), borderColor: "#1f2933",
                    backgroundColor: "#1f2933", borderWidth: 3, borderDash: [6, 4] }];
    trend.units.forEach(function (unit, i) {
      var colour = LINE_COLOURS[i % LINE_COLOURS.length];
      series.push({ label: unit.name, data: unit.values.map(number), borderColor: colour, backgroundColor: colour,
                    borderWidth: 2, spanGaps: false });
    });
    return new Chart(canvas, {
      type: "line",
      data: { labels: trend.years.map(String), datasets: series },
      options: {
        scales: { y: percentAxis() },
        plugins: { tooltip: { callbacks: {
          label: function (item) {
            var values = item.datasetIndex === 0 ? trend.average : trend.units[item.datasetIndex - 1].values;
            return item.dataset.label + ": " + vi(values[item.dataIndex]);
          }
        } } }
      }
    });
  }

  var charts = [];
  [["chart-ranked", rankedChart], ["chart-distribution", distributionChart], ["chart-trend", trendChart]]
    .forEach(function (pair) {
      var canvas = document.getElementById(pair[0]);
      if (canvas) charts.push(pair[1](canvas));
    });

  // Printing: the tables under the charts are opened, and the charts redrawn at the paper's width.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details.chart-data"),
                                         function (details) { return !details.open; });
    closed.forEach(function (details) { details.open = true; });
    charts.forEach(function (chart) { chart.resize(); });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (details) { details.open = false; });
    charts.forEach(function (chart) { chart.resize(); });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
