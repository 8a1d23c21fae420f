/**
 * The page's script, run in the browser after Chart.js: reads the chart specs from the JSON block and draws every
 * `canvas[data-chart]`. It writes no markup; Chart.js draws labels onto the canvas, which cannot execute anything.
 * Errors are not caught: an undrawable chart must surface as a page error (the browser test fails on those).
 */
export const CLIENT_SCRIPT = String.raw`
(() => {
  'use strict';
  const payload = JSON.parse(document.getElementById('dbmatrix-data').textContent);
  const specs = new Map(payload.charts.map((spec) => [spec.id, spec]));

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#333';

  const axisTitle = (text) => ({ display: true, text, font: { weight: 'bold' } });
  const number = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

  function dataset(spec, d) {
    const out = { label: d.label, data: d.data, borderColor: d.color, backgroundColor: d.fill || d.color, borderWidth: 1 };
    if (d.stack) out.stack = d.stack;
    if (spec.kind === 'line') Object.assign(out, { borderWidth: 2, pointRadius: 3, tension: 0 });
    if (d.stepped) Object.assign(out, { stepped: 'before', pointRadius: 0, pointHoverRadius: 4 });
    return out;
  }

  function config(spec) {
    const x = { type: spec.x.linear ? 'linear' : 'category', stacked: spec.y.stacked, title: axisTitle(spec.x.title) };
    if (spec.x.linear) x.min = 0;
    const y = { type: spec.y.log ? 'logarithmic' : 'linear', stacked: spec.y.stacked, title: axisTitle(spec.y.title) };
    // Linear axes start at zero so bar heights compare. A log axis keeps Chart.js's choice of which ticks to label (1-2-5),
    // only formatted like the rest.
    const logLabel = Chart.Ticks.formatters.logarithmic;
    y.ticks = spec.y.log
      ? { callback: function (value, index, ticks) { return logLabel.call(this, value, index, ticks) === '' ? '' : number.format(value); } }
      : { callback: (value) => number.format(value) };
    if (!spec.y.log) y.beginAtZero = true;
    if (spec.y.integer) y.ticks.precision = 0;
    const datasets = spec.datasets.map((d) => dataset(spec, d));
    return {
      type: spec.kind,
      data: spec.x.linear ? { datasets } : { labels: spec.x.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: spec.kind === 'line' ? 'nearest' : 'index', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ': ' + number.format(ctx.parsed.y) } },
        },
        scales: { x, y },
      },
    };
  }

  let drawn = 0;
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const id = canvas.getAttribute('data-chart');
    const spec = specs.get(id);
    if (!spec) throw new Error('no chart data for ' + JSON.stringify(id));
    new Chart(canvas, config(spec));
    drawn += 1;
  }
  window.__dbmatrixChartsDrawn = drawn;
})();
`;
