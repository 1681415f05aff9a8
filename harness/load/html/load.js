// wsprobe load report: draws the plots and tables of load.html from the load.json document
// embedded in #load-data. Own SVG code, no library, no network. Text from the document only ever
// goes into text nodes and attributes, never into markup.
'use strict';
(function () {
  // The SVG namespace as the HTML parser assigns it (so that the page holds no URL at all).
  const SVGNS = (() => {
    const t = document.createElement('template');
    t.innerHTML = '<svg></svg>';
    return t.content.firstChild.namespaceURI;
  })();
  const doc = JSON.parse(document.getElementById('load-data').textContent);
  const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const S = obj(doc.summary);
  const P = obj(doc.params);
  const E = obj(doc.environment);
  const series = Array.isArray(doc.series) ? doc.series.filter((p) => p && typeof p.t === 'number') : [];
  const histograms = obj(doc.histograms);
  const isNum = (v) => typeof v === 'number' && isFinite(v);

  // ---- formatting ----------------------------------------------------------------------------
  const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
  const fmtFixed = (n, d) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const fmtNum = (n) => (Number.isInteger(n) ? fmtInt(n) : n.toLocaleString('en-US', { maximumFractionDigits: 3 }));
  function fmtUs(us) {  // a duration for people: µs, ms or s with 3 significant digits
    if (!isNum(us)) return '—';
    if (us < 1000) return fmtInt(us) + ' µs';
    if (us < 1e6) return (us / 1e3).toPrecision(3) + ' ms';
    return (us / 1e6).toPrecision(3) + ' s';
  }
  function fmtBytes(b) {
    if (!isNum(b)) return '—';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = b;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return i === 0 ? fmtInt(v) + ' B' : v.toPrecision(3) + ' ' + units[i];
  }
  // A latency axis unit that keeps tick labels short.
  function latencyUnit(maxUs) {
    if (maxUs >= 2e6) return { name: 's', div: 1e6 };
    if (maxUs >= 2e3) return { name: 'ms', div: 1e3 };
    return { name: 'µs', div: 1 };
  }
  const fmtTick = (v) => {
    const a = Math.abs(v);
    if (a !== 0 && (a < 0.01 || a >= 1e6)) return v.toExponential(0);
    return a >= 1000 ? fmtInt(v) : String(+v.toPrecision(3));
  };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- header and key figures ----------------------------------------------------------------
  const url = typeof P.url === 'string' ? P.url : '';
  document.title = 'wsprobe load' + (url ? ' — ' + url : '');
  document.getElementById('title').textContent = 'wsprobe load' + (url ? ' — ' + url : '');
  {
    const bits = [];
    const tool = obj(doc.tool);
    bits.push((tool.name || 'wsprobe') + (tool.version ? ' ' + tool.version : ''));
    if (typeof P.model === 'string') bits.push(P.model);
    if (isNum(P.connections)) bits.push(fmtInt(P.connections) + ' connections');
    if (isNum(S.window_s)) bits.push(fmtFixed(S.window_s, 2) + ' s measured' +
      (isNum(P.warmup_s) && P.warmup_s > 0 ? ' after ' + fmtNum(P.warmup_s) + ' s warm-up' : ''));
    if (isNum(P.threads)) bits.push(fmtInt(P.threads) + (P.threads === 1 ? ' thread' : ' threads'));
    if (typeof doc.started_at === 'string') bits.push('started ' + doc.started_at);
    if (Array.isArray(doc.shards)) bits.push('merged from ' + doc.shards.length + (doc.shards.length === 1 ? ' run' : ' runs'));
    if (S.interrupted === true) bits.push('interrupted');
    if (typeof doc.schema === 'string') bits.push(doc.schema);
    document.getElementById('meta').textContent = bits.join(' · ');
  }

  const errors = obj(S.errors);
  const errorTotal = Object.values(errors).reduce((a, n) => a + (isNum(n) ? n : 0), 0);
  const lat = obj(S.latency_us);
  {
    const cards = document.getElementById('cards');
    const card = (k, v, d, bad) => {
      const c = el('div', { class: 'card' + (bad ? ' bad' : '') });
      c.append(el('div', { class: 'k' }, k), el('div', { class: 'v' }, v));
      if (d) c.append(el('div', { class: 'd' }, d));
      cards.append(c);
    };
    const achieved = isNum(S.achieved_rate) ? fmtFixed(S.achieved_rate, 1) + '/s' : '—';
    const offered = isNum(S.offered_rate) ? 'offered ' + fmtFixed(S.offered_rate, 1) + '/s' : '';
    const short = isNum(S.achieved_rate) && isNum(S.offered_rate) && S.offered_rate > 0 &&
      S.achieved_rate < 0.99 * S.offered_rate;
    card('achieved rate', achieved, offered, short);
    card('latency p50', fmtUs(lat.p50));
    card('latency p99', fmtUs(lat.p99));
    card('latency p99.9', fmtUs(lat.p999));
    card('latency max', fmtUs(lat.max));
    const conns = isNum(S.connections) ? fmtInt(S.connections) : '—';
    card('connections', conns, isNum(P.connections) ? 'of ' + fmtInt(P.connections) + ' requested' : '',
      isNum(S.connections) && isNum(P.connections) && S.connections < P.connections);
    card('errors', fmtInt(errorTotal), isNum(S.messages_received) ? fmtInt(S.messages_received) + ' echoes checked' : '',
      errorTotal > 0);
  }

  // ---- charts --------------------------------------------------------------------------------
  // 1-2-5 ticks covering [lo, hi].
  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) hi = lo + 1;
    const raw = (hi - lo) / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const ticks = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
    return { ticks, lo: Math.min(lo, ticks[0]), hi: Math.max(hi, ticks[ticks.length - 1]) };
  }
  function linScale(d0, d1, r0, r1) {
    const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
    const f = (v) => r0 + (v - d0) * k;
    f.invert = (p) => (k === 0 ? d0 : d0 + (p - r0) / k);
    return f;
  }
  // y axis: linear from 0, or log10 over the positive values.
  function yAxis(values, log) {
    const pos = values.filter((v) => isNum(v) && (!log || v > 0));
    let max = pos.length ? Math.max(...pos) : 1;
    if (!log) {
      const n = niceTicks(0, max > 0 ? max * 1.05 : 1, 5);
      return { lo: 0, hi: n.hi, ticks: n.ticks, map: (v) => v };
    }
    let min = pos.length ? Math.min(...pos) : 1;
    const lo = Math.floor(Math.log10(min));
    let hi = Math.ceil(Math.log10(max));
    if (hi <= lo) hi = lo + 1;
    const ticks = [];
    for (let e = lo; e <= hi; e++) {
      ticks.push(Math.pow(10, e));
      if (hi - lo <= 2 && e < hi) ticks.push(2 * Math.pow(10, e), 5 * Math.pow(10, e));
    }
    return { lo, hi, ticks, map: (v) => Math.log10(v) };
  }

  const tip = document.getElementById('tip');
  function showTip(evt, title, rows) {
    tip.replaceChildren();
    tip.append(el('b', {}, title));
    for (const [name, value, color] of rows) {
      const line = el('div');
      if (color) line.append(el('span', { style: 'color:' + color }, '● '));
      line.append(document.createTextNode(name + ': ' + value));
      tip.append(line);
    }
    tip.hidden = false;
    const x = Math.min(evt.clientX + 14, window.innerWidth - tip.offsetWidth - 6);
    const y = Math.min(evt.clientY + 14, window.innerHeight - tip.offsetHeight - 6);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  const hideTip = () => { tip.hidden = true; };

  // One chart in FIG. spec: {id, lines: [{key, name, color, pts: [[x, y] | null …], step}],
  // x: {lo, hi, ticks, label, fmt}, y: {log, label, fmt, div}, shade, hline, vmarks, hover(x)}
  function drawChart(fig, spec) {
    for (const old of fig.querySelectorAll('svg, .legend')) old.remove();
    const W = Math.max(320, fig.clientWidth - 24);
    const H = 250;
    const m = { l: 62, r: 24, t: 12, b: 38 };
    const svg = sv('svg', { class: 'chart', id: spec.id, width: W, height: H, viewBox: `0 0 ${W} ${H}`,
      role: 'img', 'aria-label': spec.label });
    const legend = el('div', { class: 'legend' });
    for (const line of spec.lines) {
      const item = el('span');
      item.append(el('i', { style: 'background:' + line.color }), document.createTextNode(line.name));
      if (line.dash) item.firstChild.style.background = 'repeating-linear-gradient(90deg,' + line.color + ' 0 4px,transparent 4px 6px)';
      legend.append(item);
    }
    fig.append(legend, svg);

    const all = [];
    for (const line of spec.lines) for (const p of line.pts) if (p) all.push(spec.y.div ? p[1] / spec.y.div : p[1]);
    if (spec.hline) all.push(spec.hline.y);
    const ya = yAxis(all, spec.y.log);
    const sx = linScale(spec.x.lo, spec.x.hi, m.l, W - m.r);
    const syRaw = linScale(ya.lo, ya.hi, H - m.b, m.t);
    const sy = (v) => syRaw(ya.map(Math.max(v, spec.y.log ? Math.pow(10, ya.lo) : v)));

    const grid = sv('g', { class: 'grid' });
    const axis = sv('g', { class: 'axis' });
    for (const t of ya.ticks) {
      const y = sy(t);
      grid.append(sv('line', { x1: m.l, x2: W - m.r, y1: y, y2: y }));
      axis.append(sv('text', { x: m.l - 6, y: y + 4, 'text-anchor': 'end' }, (spec.y.fmt || fmtTick)(t)));
    }
    for (const t of spec.x.ticks) {
      const x = sx(t);
      grid.append(sv('line', { x1: x, x2: x, y1: m.t, y2: H - m.b }));
      axis.append(sv('text', { x, y: H - m.b + 15, 'text-anchor': 'middle' }, (spec.x.fmt || fmtTick)(t)));
    }
    axis.append(sv('path', { d: `M${m.l},${m.t}V${H - m.b}H${W - m.r}`, fill: 'none' }));
    axis.append(sv('text', { class: 'axis-label', x: (m.l + W - m.r) / 2, y: H - 4, 'text-anchor': 'middle' }, spec.x.label));
    axis.append(sv('text', { class: 'axis-label', x: 12, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle',
      transform: `rotate(-90 12 ${(m.t + H - m.b) / 2})` }, spec.y.label));
    svg.append(grid);
    if (spec.shade && spec.shade.hi > spec.x.lo) {
      const x0 = sx(Math.max(spec.x.lo, spec.shade.lo));
      const x1 = sx(Math.min(spec.x.hi, spec.shade.hi));
      svg.append(sv('rect', { class: 'warmup', x: x0, y: m.t, width: Math.max(0, x1 - x0), height: H - m.b - m.t }));
      svg.append(sv('text', { class: 'warmup-label', x: x0 + 4, y: m.t + 12 }, spec.shade.label));
    }
    svg.append(axis);
    if (spec.hline) {
      const g = sv('g', { class: 'marker' });
      const y = sy(spec.hline.y);
      g.append(sv('line', { x1: m.l, x2: W - m.r, y1: y, y2: y }));
      g.append(sv('text', { x: W - m.r - 4, y: y - 4, 'text-anchor': 'end' }, spec.hline.label));
      svg.append(g);
    }
    if (spec.vmarks) {
      const g = sv('g', { class: 'marker' });
      for (const mk of spec.vmarks) {
        const x = sx(mk.x);
        const y = sy(mk.y);
        g.append(sv('circle', { cx: x, cy: y, r: 3, fill: mk.color }));
        g.append(sv('text', { x, y: y - 7, 'text-anchor': 'middle' }, mk.label));
      }
      svg.append(g);
    }
    for (const line of spec.lines) {
      // A null point breaks the line (a second without samples).
      let d = '';
      let pen = false;
      let n = 0;
      for (const p of line.pts) {
        if (!p) { pen = false; continue; }
        const x = sx(p[0]).toFixed(1);
        const y = sy(spec.y.div ? p[1] / spec.y.div : p[1]).toFixed(1);
        d += (pen ? 'L' : 'M') + x + ',' + y;
        pen = true;
        n++;
      }
      const path = sv('path', { class: 'line', stroke: line.color, 'data-series': line.key, 'data-points': n });
      if (d) path.setAttribute('d', d);
      if (line.dash) path.setAttribute('stroke-dasharray', line.dash);
      svg.append(path);
    }
    if (!spec.lines.some((l) => l.pts.some((p) => p))) {
      svg.append(sv('text', { class: 'empty', x: (m.l + W - m.r) / 2, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle' },
        spec.empty || 'no data'));
    }
    if (spec.hover) {
      const cursor = sv('line', { class: 'cursor', y1: m.t, y2: H - m.b, visibility: 'hidden' });
      svg.append(cursor);
      const hit = sv('rect', { x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b, fill: 'transparent' });
      svg.append(hit);
      hit.addEventListener('mousemove', (evt) => {
        const box = svg.getBoundingClientRect();
        const px = (evt.clientX - box.left) * (W / box.width);
        const r = spec.hover(sx.invert(px));
        if (!r) { hideTip(); cursor.setAttribute('visibility', 'hidden'); return; }
        const cx = sx(r.x);
        cursor.setAttribute('x1', cx);
        cursor.setAttribute('x2', cx);
        cursor.setAttribute('visibility', 'visible');
        showTip(evt, r.title, r.rows);
      });
      hit.addEventListener('mouseleave', () => { hideTip(); cursor.setAttribute('visibility', 'hidden'); });
    }
  }

  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue('--' + name).trim() || '#333';

  // Time plots: x is seconds since the first connection attempt; a point is the second that
  // ends at t. Rates divide by the length of that second (1 s unless a merge says otherwise).
  const tMax = series.length ? Math.max(...series.map((p) => p.t)) : 1;
  const tAxis = (() => {
    const n = niceTicks(0, Math.max(tMax, 1), 8);
    return { lo: 0, hi: Math.max(tMax, 1), ticks: n.ticks.filter((t) => t <= Math.max(tMax, 1)), label: 'seconds since the first connection attempt' };
  })();
  const warmup = isNum(P.warmup_s) && P.warmup_s > 0 ? { lo: 0, hi: P.warmup_s, label: 'warm-up' } : null;
  const spanOf = (i) => {
    const dt = i > 0 ? series[i].t - series[i - 1].t : series[i].t;
    return dt > 0 ? dt : 1;
  };
  const nearest = (t) => {
    let best = -1;
    for (let i = 0; i < series.length; i++) if (best < 0 || Math.abs(series[i].t - t) < Math.abs(series[best].t - t)) best = i;
    return best;
  };
  const hasLatency = (p) => isNum(p.p99_us) && p.p99_us > 0;

  function drawThroughput() {
    const rate = (k) => series.map((p, i) => [p.t, (isNum(p[k]) ? p[k] : 0) / spanOf(i)]);
    const offered = isNum(P.rate) && P.rate > 0 ? { y: P.rate, label: 'rate ' + fmtNum(P.rate) + '/s' } : null;
    drawChart(document.getElementById('plot-throughput'), {
      id: 'chart-throughput', label: 'messages per second, sent and received',
      lines: [
        { key: 'received', name: 'received/s', color: color('received'), pts: rate('received') },
        { key: 'sent', name: 'sent/s', color: color('sent'), pts: rate('sent'), dash: '5 3' },
      ],
      x: tAxis, y: { label: 'messages/s' }, shade: warmup, hline: offered, empty: 'no seconds recorded',
      hover: (t) => {
        const i = nearest(t);
        if (i < 0) return null;
        const p = series[i];
        return { x: p.t, title: 't = ' + fmtNum(p.t) + ' s', rows: [
          ['sent', fmtFixed(p.sent / spanOf(i), 0) + '/s', color('sent')],
          ['received', fmtFixed(p.received / spanOf(i), 0) + '/s', color('received')],
          ['errors so far', fmtInt(p.errors || 0)]] };
      },
    });
  }

  const logTime = document.getElementById('lat-logy');
  const logDist = document.getElementById('dist-logy');
  function drawLatency() {
    const maxUs = Math.max(1, ...series.filter(hasLatency).map((p) => p.p99_us));
    const unit = latencyUnit(maxUs);
    const pts = (k) => series.map((p) => (hasLatency(p) ? [p.t, p[k]] : null));
    drawChart(document.getElementById('plot-latency'), {
      id: 'chart-latency', label: 'latency p50 and p99 per second',
      lines: [
        { key: 'p50_us', name: 'p50', color: color('p50'), pts: pts('p50_us') },
        { key: 'p99_us', name: 'p99', color: color('p99'), pts: pts('p99_us') },
      ],
      x: tAxis, y: { label: 'latency (' + unit.name + ')', div: unit.div, log: logTime.checked },
      shade: warmup, empty: series.length ? 'no per-second latency in this report' : 'no seconds recorded',
      hover: (t) => {
        const i = nearest(t);
        if (i < 0) return null;
        const p = series[i];
        return { x: p.t, title: 't = ' + fmtNum(p.t) + ' s', rows: hasLatency(p)
          ? [['p50', fmtUs(p.p50_us), color('p50')], ['p99', fmtUs(p.p99_us), color('p99')]]
          : [['no echoes this second', '']] };
      },
    });
  }

  function drawConnections() {
    const target = isNum(P.connections) ? { y: P.connections, label: fmtInt(P.connections) + ' requested' } : null;
    drawChart(document.getElementById('plot-connections'), {
      id: 'chart-connections', label: 'connections open per second',
      lines: [{ key: 'connections', name: 'connections open', color: color('conns'),
        pts: series.map((p) => [p.t, isNum(p.connections) ? p.connections : 0]) }],
      x: tAxis, y: { label: 'connections' }, shade: warmup, hline: target, empty: 'no seconds recorded',
      hover: (t) => {
        const i = nearest(t);
        if (i < 0) return null;
        const p = series[i];
        return { x: p.t, title: 't = ' + fmtNum(p.t) + ' s', rows: [['open', fmtInt(p.connections || 0), color('conns')]] };
      },
    });
  }

  // Latency distribution from the full histogram: sparse [lowest value of a bucket, count] pairs.
  // A bucket holds values up to lowest + width - 1 (exact below 2048 µs, then 1024 buckets per
  // power of two, harness/load/latency_histogram.hpp); like the summary, a percentile reports
  // its bucket's highest value capped at the exact maximum.
  function bucketHighest(lowest) {
    if (lowest < 2048) return lowest;
    const shift = Math.floor(Math.log2(lowest)) - 10;
    return lowest + Math.pow(2, shift) - 1;
  }
  const buckets = (Array.isArray(histograms.latency_us) ? histograms.latency_us : [])
    .filter((p) => Array.isArray(p) && isNum(p[0]) && isNum(p[1]) && p[1] > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((a, p) => a + p[1], 0);
  const exactMax = isNum(lat.max) ? lat.max : (buckets.length ? bucketHighest(buckets[buckets.length - 1][0]) : 0);
  const cumulative = [];
  {
    let c = 0;
    for (const [v, n] of buckets) { c += n; cumulative.push([c, Math.min(bucketHighest(v), exactMax)]); }
  }
  // The same rule as latency_histogram::value_at_percentile.
  function percentileFromHistogram(pct) {
    if (total === 0) return 0;
    if (pct >= 100) return exactMax;
    const rank = Math.min(total, Math.max(1, Math.ceil(pct / 100 * total - 1e-9)));
    for (const [c, v] of cumulative) if (c >= rank) return v;
    return exactMax;
  }
  // x = log10(1 / (1 - q)): 0 is the 0th percentile, 1 the 90th, 2 the 99th …; the last sample
  // sits at 1/N, the resolution of N samples.
  const xMax = Math.max(2, Math.ceil(Math.log10(Math.max(total, 1))));
  const qToX = (q) => (q >= 1 ? xMax : Math.min(xMax, -Math.log10(1 - q)));
  const pctLabel = (x) => {
    if (x === 0) return '0%';
    const s = (100 * (1 - Math.pow(10, -x))).toFixed(Math.max(0, x - 2));
    return s + '%';
  };

  function drawDistribution() {
    const unit = latencyUnit(exactMax);
    const pts = [];
    let prevQ = 0;
    for (const [c, v] of cumulative) {  // a step per bucket
      const q = c / total;
      pts.push([qToX(prevQ), v], [qToX(q), v]);
      prevQ = q;
    }
    const marks = [['p50', 50], ['p90', 90], ['p99', 99], ['p99.9', 99.9]]
      .filter(([, pct]) => total > 0 && qToX(pct / 100) <= xMax)
      .map(([name, pct]) => ({ x: qToX(pct / 100), y: percentileFromHistogram(pct) / unit.div, color: color('dist'),
        label: name }));
    const values = marks.map((mk) => mk.label + ' ' + fmtUs(mk.y * unit.div)).join(' · ');
    const ticks = [];
    for (let x = 0; x <= xMax; x++) ticks.push(x);
    drawChart(document.getElementById('plot-distribution'), {
      id: 'chart-distribution', label: 'latency by percentile',
      lines: [{ key: 'latency', name: fmtInt(total) + ' echoes' + (values ? ': ' + values : ''), color: color('dist'), pts }],
      x: { lo: 0, hi: xMax, ticks, label: 'percentile', fmt: pctLabel },
      y: { label: 'latency (' + unit.name + ')', div: unit.div, log: logDist.checked },
      vmarks: marks, empty: 'no echoes in the measured window',
      hover: (x) => {
        if (total === 0) return null;
        const q = 1 - Math.pow(10, -Math.max(0, Math.min(xMax, x)));
        const pct = Math.min(100, 100 * q);
        return { x: qToX(q), title: 'p' + +pct.toPrecision(Math.max(3, Math.ceil(x) + 2)), rows: [
          ['latency', fmtUs(percentileFromHistogram(pct)), color('dist')]] };
      },
    });
  }

  function drawAll() {
    hideTip();
    drawThroughput();
    drawLatency();
    drawDistribution();
    drawConnections();
  }

  // ---- tables --------------------------------------------------------------------------------
  // A value cell names its load.json field (data-key) and holds the raw value (data-value), so
  // that the numbers shown can be checked against the document.
  function valueCell(key, v, how) {
    const td = el('td', { 'data-key': key, 'data-value': JSON.stringify(v === undefined ? null : v) });
    if (v === undefined || v === null) { td.textContent = '—'; td.className = 'na'; return td; }
    if (typeof v === 'boolean') { td.textContent = v ? 'yes' : 'no'; return td; }
    if (typeof v === 'number') {
      if (how === 'rate') td.textContent = fmtFixed(v, 1) + '/s';
      else if (how === 's') td.textContent = fmtFixed(v, 3) + ' s';
      else td.textContent = fmtNum(v);
      if (how === 'bytes' && v >= 1024) td.title = fmtBytes(v);
      return td;
    }
    if (typeof v === 'string') td.textContent = v;
    else if (Array.isArray(v)) td.textContent = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
    else td.textContent = Object.entries(v).map(([k, x]) => k + ': ' + (Array.isArray(x) ? '[' + x.join(', ') + ']' : JSON.stringify(x))).join(', ');
    return td;
  }
  function kvTable(id, rows) {
    const t = document.getElementById(id);
    for (const [label, key, v, how, cls] of rows) {
      const tr = el('tr');
      tr.append(el('th', {}, label));
      const td = valueCell(key, v, how);
      if (cls) td.classList.add(cls);
      tr.append(td);
      t.append(tr);
    }
  }
  const PARAM_LABELS = {
    url: 'URL', connections: 'connections', connect_rate: 'connect rate (/s)',
    max_pending_handshakes: 'max pending handshakes', duration_s: 'duration (s)', warmup_s: 'warm-up (s)',
    model: 'model', rate: 'rate (messages/s)', in_flight: 'in flight per connection',
    size_min: 'payload min (bytes)', size_max: 'payload max (bytes)', payload_file: 'payload file',
    opcode: 'opcode', ping_interval_s: 'ping interval (s)', threads: 'threads', source_ips: 'source addresses',
    shard: 'shard', start_at: 'start at', send_only: 'send only',
  };
  const ENV_LABELS = { cores: 'cores', kernel: 'kernel', machine: 'machine', cpu_model: 'CPU',
    cpus_allowed: 'CPUs allowed', pinning: 'pinning', merged_from: 'runs merged', kernels: 'kernels',
    cpu_models: 'CPUs' };
  // Known fields in the order of the labels (load.json's keys may come sorted), then the rest.
  const generic = (o, labels, prefix) => {
    const known = Object.keys(labels).filter((k) => k in o);
    const rest = Object.keys(o).filter((k) => !(k in labels));
    return [...known, ...rest].map((k) => [labels[k] || k, prefix + '.' + k, o[k]]);
  };

  function fillTables() {
    const msg = [
      ['offered rate', 'summary.offered_rate', S.offered_rate, 'rate'],
      ['achieved rate (echoes)', 'summary.achieved_rate', S.achieved_rate, 'rate'],
      ['send rate', 'summary.send_rate', S.send_rate, 'rate'],
      ['measured window', 'summary.window_s', S.window_s, 's'],
      ['messages scheduled', 'summary.messages_scheduled', S.messages_scheduled],
      ['messages sent', 'summary.messages_sent', S.messages_sent],
      ['messages received', 'summary.messages_received', S.messages_received],
      ['payload bytes sent', 'summary.bytes_sent', S.bytes_sent, 'bytes'],
      ['payload bytes received', 'summary.bytes_received', S.bytes_received, 'bytes'],
    ];
    if (isNum(S.pings_sent) && (S.pings_sent > 0 || P.model === 'idle')) {
      msg.push(['pings sent', 'summary.pings_sent', S.pings_sent], ['pongs received', 'summary.pongs_received', S.pongs_received]);
    }
    kvTable('t-messages', msg);

    const t = document.getElementById('t-latency');
    const cols = [['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p99.9', 'p999'], ['max', 'max']];
    const head = el('tr');
    head.append(el('th', {}, ''));
    for (const [name] of cols) head.append(el('th', {}, name));
    t.append(head);
    const rows = [['message round trip', 'latency_us'], ['TCP connect (+TLS)', 'connect_us'],
      ['upgrade (request → 101)', 'upgrade_us'], ['ping → pong', 'ping_us']];
    for (const [label, key] of rows) {
      if (!S[key] || typeof S[key] !== 'object') continue;
      const tr = el('tr');
      tr.append(el('th', {}, label));
      for (const [, k] of cols) {
        if (S[key][k] === undefined) { tr.append(el('td', { class: 'na' }, '')); continue; }
        tr.append(valueCell('summary.' + key + '.' + k, S[key][k]));
      }
      t.append(tr);
    }

    const errRows = Object.keys(errors).sort().map((k) => [k.replace(/_/g, ' '), 'summary.errors.' + k, errors[k],
      undefined, errors[k] > 0 ? 'bad' : 'zero']);
    if (errRows.length === 0) errRows.push(['(none reported)', 'summary.errors', undefined]);
    kvTable('t-errors', errRows);

    kvTable('t-params', generic(P, PARAM_LABELS, 'params'));
    kvTable('t-connections', [
      ['established', 'summary.connections', S.connections],
      ['requested', 'params.connections', P.connections],
      ['failed to connect', 'summary.connect_errors', S.connect_errors, undefined, S.connect_errors > 0 ? 'bad' : 'zero'],
      ['ramp (first attempt → last handshake)', 'summary.ramp_s', S.ramp_s, 's'],
      ['handshake rate', 'summary.handshake_rate', S.handshake_rate, 'rate'],
      ['interrupted', 'summary.interrupted', S.interrupted],
    ]);
    kvTable('t-environment', generic(E, ENV_LABELS, 'environment'));
    if (Array.isArray(doc.shards) && doc.shards.length) shardTable(doc.shards);
  }

  // A merged report (wsprobe report merge) keeps each run it adds up in shards[].
  function shardTable(shards) {
    document.getElementById('shards').hidden = false;
    const t = document.getElementById('t-shards');
    const cols = [['connections', 'summary.connections'], ['sent', 'summary.messages_sent'],
      ['received', 'summary.messages_received'], ['achieved/s', 'summary.achieved_rate', 'rate'],
      ['p50 µs', 'summary.latency_us.p50'], ['p99 µs', 'summary.latency_us.p99'], ['max µs', 'summary.latency_us.max'],
      ['started at', 'started_at']];
    const head = el('tr');
    head.append(el('th', {}, 'shard'));
    for (const [name] of cols) head.append(el('th', {}, name));
    t.append(head);
    shards.forEach((sh, i) => {
      const o = obj(sh);
      const tr = el('tr');
      const k = obj(o.shard);
      const name = isNum(k.index) && isNum(k.count) ? k.index + '/' + k.count : '#' + (i + 1);
      tr.append(el('th', { title: typeof o.source === 'string' ? o.source : '' },
        name + (typeof o.source === 'string' ? ' · ' + o.source : '')));
      for (const [, key, how] of cols) {
        const v = key.split('.').reduce((x, part) => (x && typeof x === 'object' ? x[part] : undefined), o);
        tr.append(valueCell('shards.' + i + '.' + key, v, how));
      }
      t.append(tr);
    });
  }

  // A log axis by default when a linear one would squash the body of the latencies.
  const spread = (lo, hi) => isNum(lo) && isNum(hi) && lo > 0 && hi / lo >= 20;
  logDist.checked = spread(percentileFromHistogram(50), exactMax);
  const timed = series.filter(hasLatency);
  logTime.checked = timed.length > 0 &&
    spread(Math.min(...timed.map((p) => p.p50_us || p.p99_us)), Math.max(...timed.map((p) => p.p99_us)));

  fillTables();
  drawAll();
  logTime.addEventListener('change', drawLatency);
  logDist.addEventListener('change', drawDistribution);
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawAll, 100);
  });
  // For tests and the curious: the document and the percentile rule the plot uses.
  window.wsprobeLoad = { doc, percentileFromHistogram, ready: true };
})();
