// Opens a wsprobe load.html from disk in headless Debian chromium (playwright-core, never a
// downloaded browser) and checks it against its load.json through the DOM.
//   node load_check.js LOAD_HTML LOAD_JSON SCREENSHOT_PNG
// Checks: the four plots exist and their lines have one vertex per second of load.json's series
// (latency: per second with echoes; distribution: a step per histogram bucket), the distribution
// reads the summary's percentiles back from the histogram, every number shown in the tables
// equals load.json's, the page fetches nothing and logs no error. Exits 0 when every check holds.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures++;
}

async function main() {
  const [html, jsonPath, shot] = process.argv.slice(2);
  const doc = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsprobe-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  try {
    const fetched = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      fetched.push(url);
      return route.abort();
    });
    const errors = [];
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('request', (r) => { if (!r.url().startsWith('file:')) fetched.push(r.url()); });
    await page.goto('file://' + path.resolve(html));
    await page.waitForFunction(() => window.wsprobeLoad && window.wsprobeLoad.ready, null, { timeout: 30000 });

    const series = Array.isArray(doc.series) ? doc.series : [];
    const S = doc.summary || {};
    const buckets = ((doc.histograms || {}).latency_us || []).filter((p) => p[1] > 0);
    const withEchoes = series.filter((p) => p.p99_us > 0).length;
    console.log(`load.json: ${series.length} seconds, ${withEchoes} with echoes, ${buckets.length} histogram buckets`);

    // Vertices of every line: one per M/L command of its path; x never goes back in time.
    const lines = await page.$$eval('svg.chart path.line', (paths) => paths.map((p) => {
      const pts = [...(p.getAttribute('d') || '').matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [+m[1], +m[2]]);
      const box = p.ownerSVGElement.viewBox.baseVal;
      return { chart: p.ownerSVGElement.id, key: p.dataset.series, n: pts.length,
        ordered: pts.every((q, i) => i === 0 || q[0] >= pts[i - 1][0] - 0.05),
        inside: pts.every(([x, y]) => x >= 0 && x <= box.width && y >= 0 && y <= box.height) };
    }));
    const line = (chart, key) => lines.find((l) => l.chart === chart && l.key === key);
    const expectLine = (chart, key, n) => {
      const l = line(chart, key);
      check(l !== undefined, `${chart} has a ${key} line`);
      if (!l) return;
      check(l.n === n, `${chart} ${key}: ${l.n} points, expected ${n}`);
      check(l.ordered && l.inside, `${chart} ${key}: points in time order and inside the plot`);
    };
    expectLine('chart-throughput', 'sent', series.length);
    expectLine('chart-throughput', 'received', series.length);
    expectLine('chart-latency', 'p50_us', withEchoes);
    expectLine('chart-latency', 'p99_us', withEchoes);
    expectLine('chart-connections', 'connections', series.length);
    expectLine('chart-distribution', 'latency', 2 * buckets.length);

    // The throughput line's highest point is the busiest second of the series.
    if (series.length > 1) {
      const extremes = await page.$eval('#chart-throughput path[data-series="received"]', (p) => {
        const ys = [...p.getAttribute('d').matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => +m[2]);
        return ys.indexOf(Math.min(...ys));
      });
      const busiest = series.reduce((b, p, i) => (p.received > series[b].received ? i : b), 0);
      // (Within the 0.1 px the path is rounded to.)
      check(series[extremes].received >= 0.99 * series[busiest].received,
        `received/s peaks at the busiest second (${series[busiest].received} messages)`);
    }

    // The distribution reads the summary's percentiles back from the full histogram.
    const lat = S.latency_us || {};
    const fromHist = await page.evaluate(() => [50, 90, 99, 99.9, 100].map((p) => window.wsprobeLoad.percentileFromHistogram(p)));
    check(JSON.stringify(fromHist) === JSON.stringify([lat.p50, lat.p90, lat.p99, lat.p999, lat.max]),
      `distribution p50/p90/p99/p99.9/max ${fromHist} = summary ${[lat.p50, lat.p90, lat.p99, lat.p999, lat.max]}`);

    // Every value cell equals load.json: its raw value, and the text shown rounds it.
    const cells = await page.$$eval('td[data-key]', (tds) => tds.map((td) => ({
      key: td.dataset.key, value: td.dataset.value, text: td.textContent })));
    const resolve = (key) => key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), doc);
    let mismatches = 0;
    for (const c of cells) {
      const want = resolve(c.key);
      const raw = JSON.parse(c.value);
      let ok = JSON.stringify(raw) === JSON.stringify(want === undefined ? null : want);
      if (typeof want === 'number') {
        const shown = c.text.replace(/[^0-9.\-]/g, '');
        const decimals = shown.includes('.') ? shown.split('.')[1].length : 0;
        ok = ok && shown === want.toFixed(decimals);
      } else if (typeof want === 'string') {
        ok = ok && c.text === want;
      } else if (typeof want === 'boolean') {
        ok = ok && c.text === (want ? 'yes' : 'no');
      } else if (want === null || want === undefined) {
        ok = ok && c.text === '—';
      }
      if (!ok) { mismatches++; console.log(`  ${c.key}: shows '${c.text}' (${c.value}), load.json has ${JSON.stringify(want)}`); }
    }
    check(mismatches === 0, `${cells.length} table values equal load.json's`);
    const shownKeys = new Set(cells.map((c) => c.key));
    const required = ['summary.offered_rate', 'summary.achieved_rate', 'summary.messages_sent', 'summary.messages_received',
      'summary.connections', 'summary.connect_errors',
      ...['p50', 'p90', 'p99', 'p999', 'max'].map((k) => 'summary.latency_us.' + k),
      ...['p50', 'p99', 'max'].map((k) => 'summary.connect_us.' + k),
      ...['p50', 'p99', 'max'].map((k) => 'summary.upgrade_us.' + k),
      ...Object.keys(S.errors || {}).map((k) => 'summary.errors.' + k),
      ...Object.keys(doc.params || {}).map((k) => 'params.' + k),
      ...Object.keys(doc.environment || {}).map((k) => 'environment.' + k)];
    const missing = required.filter((k) => !shownKeys.has(k));
    check(missing.length === 0, `the tables show parameters, environment, rates, percentiles, connect/upgrade times and every error kind${missing.length ? ' (missing ' + missing + ')' : ''}`);

    // A tooltip follows the mouse over a plot; the log axis redraws with the same points.
    const box = await page.locator('#chart-throughput').boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    const tip = await page.$eval('#tip', (t) => (t.hidden ? '' : t.textContent));
    check(series.length === 0 || /sent: .*\/s/.test(tip), `hovering the throughput plot shows the second's rates ('${tip}')`);
    await page.mouse.move(0, 0);
    const logByDefault = await page.isChecked('#dist-logy');
    await page.setChecked('#dist-logy', !logByDefault);
    const otherN = await page.$eval('#chart-distribution path.line', (p) => ((p.getAttribute('d') || '').match(/[ML]/g) || []).length);
    check(buckets.length === 0 || otherN === 2 * buckets.length,
      `${logByDefault ? 'linear' : 'log'} latency axis keeps the ${2 * buckets.length} distribution points`);
    await page.setChecked('#dist-logy', logByDefault);

    await page.screenshot({ path: shot, fullPage: true });
    check(fetched.length === 0, `no network requests${fetched.length ? ': ' + fetched.join(' ') : ''}`);
    check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(() => {
  console.log(failures === 0 ? 'load_check: ok' : `load_check: ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
}, (e) => { console.error(e); process.exit(1); });
