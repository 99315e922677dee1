/* The scorecard's area chart: the unit's area indices against the block average, drawn with our own copy of
   Chart.js (static/vendor/chartjs). A radar from three areas up, bars below that. Data come from json_script with
   decimals as strings; the table below the chart carries the same figures for screen readers and for print.
   Also wires the "print this page" button (no inline scripts). */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var canvas = document.getElementById("scorecard-chart");
  var source = document.getElementById("scorecard-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var number = function (value) { return value === null ? null : parseFloat(value); };
  var comma = function (value) { return value === null ? "—" : String(value).replace(".", ","); };
  var radar = data.labels.length >= 3;
  // Area titles are long ("Xây dựng và nâng cao chất lượng đội ngũ…"): the axes carry a short form, wrapped on two
  // lines, and the tooltip the whole title.
  var shortLabel = function (label) {
    var words = label.split(" "), lines = [""], limit = 22;
    for (var i = 0; i < words.length; i++) {
      var line = lines[lines.length - 1];
      if (line && (line + " " + words[i]).length > limit) {
        if (lines.length === 2) { lines[1] = line + "…"; return lines; }
        lines.push(words[i]);
      } else {
        lines[lines.length - 1] = line ? line + " " + words[i] : words[i];
      }
    }
    return lines;
  };

  var chart = new Chart(canvas, {
    type: radar ? "radar" : "bar",
    data: {
      labels: data.labels.map(shortLabel),
      datasets: [
        { label: data.unitLabel, data: data.unit.map(number), raw: data.unit,
          borderColor: "#b71c1c", backgroundColor: "rgba(183, 28, 28, 0.18)", borderWidth: 2, pointRadius: 3 },
        { label: data.averageLabel, data: data.average.map(number), raw: data.average,
          borderColor: "#1f4e79", backgroundColor: "rgba(31, 78, 121, 0.12)", borderWidth: 2, borderDash: [6, 4],
          pointRadius: 2 }
      ]
    },
    options: {
      animation: false,  // printed as drawn, never half-way through an animation
      responsive: true,
      maintainAspectRatio: false,
      scales: radar
        ? { r: { min: 0, max: 100, ticks: { stepSize: 20, backdropColor: "transparent" },
                 pointLabels: { font: { size: 11 } } } }
        : { y: { min: 0, max: 100 } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            title: function (items) { return data.labels[items[0].dataIndex]; },
            label: function (item) {
              return item.dataset.label + ": " + comma(item.dataset.raw[item.dataIndex]);
            }
          }
        }
      }
    }
  });

  // Browsers print at a different width: redraw for the page, and back for the screen.
  window.addEventListener("beforeprint", function () { chart.resize(); });
  window.addEventListener("afterprint", function () { chart.resize(); });
})();
