// Draws every `<canvas data-chart="KIND" data-chart-source="ID">` with Chart.js from the JSON of
// `{{ data|json_script:"ID" }}` (amounts come as decimal strings: Number() is for drawing only;
// tooltips show the server's formatted amounts). Drawn again after an htmx swap brings new
// canvases, and all of them when the theme changes, with colours read from Bootstrap's CSS
// variables so they suit the light and the dark theme. After drawing, `canvas.dataset.drawn` is
// "true" and `Chart.getChart(canvas)` answers the chart (browser tests read its data).
(function () {
  "use strict";

  function chartData(id) {
    var source = document.getElementById(id);
    return source && source.textContent ? JSON.parse(source.textContent) : null;
  }

  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  function cssVar(element, name) {
    return getComputedStyle(element).getPropertyValue(name).trim();
  }

  function theme(canvas) {
    function rgba(name, alpha) {
      var rgb = cssVar(canvas, "--bs-" + name + "-rgb");
      return rgb ? "rgba(" + rgb + ", " + alpha + ")" : cssVar(canvas, "--bs-" + name);
    }
    return {
      rgba: rgba,
      text: cssVar(canvas, "--bs-secondary-color") || cssVar(canvas, "--bs-body-color"),
      grid: cssVar(canvas, "--bs-border-color-translucent") || cssVar(canvas, "--bs-border-color"),
      surface: cssVar(canvas, "--bs-body-bg"),
      font: cssVar(canvas, "--bs-body-font-family"),
      palette: [
        rgba("primary", 0.85), rgba("success", 0.85), rgba("warning", 0.85), rgba("info", 0.85),
        rgba("danger", 0.85), cssVar(canvas, "--bs-purple"), cssVar(canvas, "--bs-teal"),
        rgba("secondary", 0.85)
      ]
    };
  }

  function numbers(values) {
    return (values || []).map(function (value) { return Number(value); });
  }

  function integerTicks() {
    return { precision: 0 };
  }

  function compactTicks() {
    var format = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
    return { callback: function (value) { return format.format(value); } };
  }

  function countText(count) {
    return count + (count === 1 ? " purchase" : " purchases");
  }

  var builders = {
    spending: function (data, colours) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            {
              type: "bar", label: "Spent (" + data.currency + ")", data: numbers(data.amounts),
              backgroundColor: colours.rgba("primary", 0.75), borderRadius: 4, yAxisID: "y", order: 2
            },
            {
              type: "line", label: "Purchases", data: data.counts, yAxisID: "y1", order: 1,
              borderColor: colours.rgba("warning", 1), backgroundColor: colours.rgba("warning", 1),
              cubicInterpolationMode: "monotone", pointRadius: 3, borderWidth: 2
            }
          ]
        },
        options: {
          interaction: { mode: "index", intersect: false },
          scales: {
            y: { beginAtZero: true, ticks: compactTicks(), title: { display: true, text: data.currency } },
            y1: {
              beginAtZero: true, position: "right", ticks: integerTicks(),
              grid: { drawOnChartArea: false }, title: { display: true, text: "Purchases" }
            }
          },
          plugins: {
            tooltip: {
              callbacks: {
                label: function (item) {
                  return item.datasetIndex === 0
                    ? "Spent: " + data.amount_labels[item.dataIndex]
                    : "Purchases: " + item.formattedValue;
                }
              }
            }
          }
        }
      };
    },

    warranties: function (data, colours) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            {
              type: "line", label: "Active", data: data.active, order: 1,
              cubicInterpolationMode: "monotone",
              borderColor: colours.rgba("success", 1), backgroundColor: colours.rgba("success", 0.15),
              fill: true, pointRadius: 2, borderWidth: 2
            },
            {
              type: "bar", label: "Expiring soon", data: data.expiring_soon, order: 2,
              backgroundColor: colours.rgba("warning", 0.8), borderRadius: 3
            },
            {
              type: "bar", label: "Expired", data: data.expired, order: 3,
              backgroundColor: colours.rgba("secondary", 0.6), borderRadius: 3
            }
          ]
        },
        options: {
          interaction: { mode: "index", intersect: false },
          scales: { y: { beginAtZero: true, ticks: integerTicks() } }
        }
      };
    },

    retailers: function (data, colours) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{
            label: "Purchases", data: data.counts, backgroundColor: colours.rgba("primary", 0.75),
            borderRadius: 4
          }]
        },
        options: {
          indexAxis: "y",
          scales: { x: { beginAtZero: true, ticks: integerTicks() }, y: { grid: { display: false } } },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: function (item) {
                  return countText(item.raw) + " · " + data.total_labels[item.dataIndex];
                }
              }
            }
          }
        }
      };
    },

    brands: function (data, colours) {
      return {
        type: "doughnut",
        data: {
          labels: data.labels,
          datasets: [{
            label: "Purchases", data: data.counts,
            backgroundColor: data.counts.map(function (_, index) {
              return colours.palette[index % colours.palette.length];
            }),
            borderColor: colours.surface, borderWidth: 2
          }]
        },
        options: {
          cutout: "60%",
          plugins: {
            legend: { position: "right", labels: { boxWidth: 12 } },
            tooltip: {
              callbacks: {
                label: function (item) {
                  return countText(item.raw) + " · " + data.total_labels[item.dataIndex];
                }
              }
            }
          }
        }
      };
    }
  };

  function draw(canvas) {
    var Chart = window.Chart;
    var build = builders[canvas.getAttribute("data-chart")];
    var data = chartData(canvas.getAttribute("data-chart-source"));
    if (!Chart || !build || !data) { return; }
    var previous = Chart.getChart(canvas);
    if (previous) { previous.destroy(); }
    var colours = theme(canvas);
    Chart.defaults.color = colours.text;
    Chart.defaults.borderColor = colours.grid;
    if (colours.font) { Chart.defaults.font.family = colours.font; }
    var config = build(data, colours);
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = reducedMotion.matches ? false : { duration: 400 };
    new Chart(canvas, config);
    canvas.dataset.drawn = "true";
  }

  function currentTheme() {
    return document.documentElement.getAttribute("data-bs-theme");
  }

  var drawnTheme = null;

  // `all`: draw every chart again (the theme changed); otherwise only new canvases.
  function drawCharts(all) {
    var Chart = window.Chart;
    if (!Chart) { return; }
    drawnTheme = currentTheme();
    // Charts whose canvas an htmx swap removed.
    Object.keys(Chart.instances).forEach(function (key) {
      var chart = Chart.instances[key];
      if (chart && !chart.canvas.isConnected) { chart.destroy(); }
    });
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (all || canvas.dataset.drawn !== "true") { draw(canvas); }
    });
  }

  document.addEventListener("htmx:afterSettle", function () { drawCharts(false); });
  // app.js announces the theme on every page load too: redraw only when it really changed.
  document.addEventListener("spends:themechange", function () {
    if (currentTheme() !== drawnTheme) { drawCharts(true); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawCharts(false); });
  } else {
    drawCharts(false);
  }
})();
