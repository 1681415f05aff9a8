// wsprobe report page: builds the summary, the matrix and the filters once from the embedded
// JSON, and a case's details (with its wire log) only when it is opened. No framework, no
// network. The page state a link can hold is the open case: #case=ID&agent=NAME[&transport=h2].
(function () {
  'use strict';
  const VERDICTS = ['OK', 'NON-STRICT', 'INFORMATIONAL', 'UNIMPLEMENTED', 'FAILED'];
  const SHORT = { 'OK': 'OK', 'NON-STRICT': 'NS', 'INFORMATIONAL': 'INFO', 'UNIMPLEMENTED': 'UNIMP', 'FAILED': 'FAIL' };
  const OPCODES = { 0: 'cont', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

  const timings = { start: performance.now() };
  const doc = JSON.parse(document.getElementById('report-data').textContent);
  timings.parsed = performance.now();
  const results = Array.isArray(doc.results) ? doc.results : [];
  const singleAgent = (doc.target && (doc.target.agent || doc.target.url)) || 'agent';
  const agentInfo = Array.isArray(doc.agents) && doc.agents.length > 0 ? doc.agents : [{
    name: singleAgent, url: doc.target ? doc.target.url : '', mode: doc.mode,
    started_at: doc.started_at, duration_ms: doc.duration_ms,
  }];
  const agents = agentInfo.map((a) => String(a.name));
  const agentIndex = new Map(agents.map((a, i) => [a, i]));

  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function transportOf(r) { return r.transport || 'h1'; }
  function rowKey(id, transport) { return transport === 'h1' ? id : id + ' [' + transport + ']'; }
  function caseLink(id, agent, transport) {
    let h = '#case=' + encodeURIComponent(id) + '&agent=' + encodeURIComponent(agent);
    if (transport !== 'h1') h += '&transport=' + encodeURIComponent(transport);
    return h;
  }
  // The close code shown in a matrix cell: the peer's, 1005 for an empty close frame.
  function closeCode(r) {
    const c = r.observed && r.observed.close;
    if (!c || !c.received) return '';
    return c.code === null || c.code === undefined ? '1005' : String(c.code);
  }

  // Rows: one per case and transport, grouped by area in order of first appearance.
  const rows = [];
  const rowByKey = new Map();
  const areas = [];
  const areaRows = new Map();
  for (const r of results) {
    const agent = r.agent !== undefined ? String(r.agent) : agents[0];
    if (!agentIndex.has(agent)) { agentIndex.set(agent, agents.length); agents.push(agent); agentInfo.push({ name: agent }); }
    const transport = transportOf(r);
    const key = rowKey(r.case, transport);
    let row = rowByKey.get(key);
    if (!row) {
      const area = r.area || '(none)';
      row = { key: key, id: r.case, transport: transport, area: area, title: r.title || '',
        autobahn: r.autobahn || '', cells: [], tr: null };
      row.search = (key + ' ' + row.title + ' ' + row.autobahn).toLowerCase();
      rows.push(row);
      rowByKey.set(key, row);
      if (!areaRows.has(area)) { areaRows.set(area, []); areas.push(area); }
      areaRows.get(area).push(row);
    }
    row.cells[agentIndex.get(agent)] = r;
  }

  // Header and summary -------------------------------------------------------------------------
  function buildMeta() {
    const parts = [];
    if (doc.merged) parts.push('merged report of ' + agents.length + ' agents');
    else if (doc.target && doc.target.url) parts.push('target ' + doc.target.url);
    if (doc.mode) parts.push(doc.mode);
    if (doc.started_at) parts.push('started ' + doc.started_at);
    if (typeof doc.duration_ms === 'number') parts.push((doc.duration_ms / 1000).toFixed(2) + ' s');
    parts.push(rows.length + ' cases');
    if (doc.tool && doc.tool.version) parts.push('wsprobe ' + doc.tool.version);
    if (doc.summary && doc.summary.interrupted) parts.push('INTERRUPTED, ' + doc.summary.not_run + ' cases not run');
    document.getElementById('meta').textContent = parts.join(' · ');
  }

  function buildSummary() {
    const counts = agents.map(() => { const c = { total: 0 }; for (const v of VERDICTS) c[v] = 0; return c; });
    for (const row of rows) {
      row.cells.forEach((r, i) => { if (r) { counts[i].total++; if (r.verdict in counts[i]) counts[i][r.verdict]++; } });
    }
    let html = '<table class="summary" id="summary-table"><thead><tr><th>agent</th><th>total</th>';
    for (const v of VERDICTS) html += '<th><span class="badge v-' + v + '">' + v + '</span></th>';
    html += '<th>time</th><th>target</th></tr></thead><tbody>';
    agents.forEach((a, i) => {
      const info = agentInfo[i] || {};
      html += '<tr data-agent="' + esc(a) + '"><td>' + esc(a) + '</td><td data-v="total">' + counts[i].total + '</td>';
      for (const v of VERDICTS) html += '<td data-v="' + v + '">' + counts[i][v] + '</td>';
      const secs = typeof info.duration_ms === 'number' ? (info.duration_ms / 1000).toFixed(2) + ' s' : '';
      html += '<td>' + secs + '</td><td>' + esc(info.url || '') + '</td></tr>';
    });
    html += '</tbody></table>';
    document.getElementById('summary').innerHTML = '<h2>Summary</h2>' + html;
  }

  // Baseline: present when the run was compared with --baseline (docs/baseline.md). Regressions
  // first and open; the other lists closed, each case linking to its details.
  function buildBaseline() {
    const b = doc.baseline;
    if (!b || typeof b !== 'object') return;
    const box = document.getElementById('baseline');
    const lists = [
      ['newly_failing', 'Newly failing', true], ['unexpected', 'Unexpected verdicts', true],
      ['newly_passing', 'Newly passing', false], ['changed', 'Other changes', false],
      ['still_failing', 'Still failing', false], ['missing', 'Missing from this run', false],
    ];
    let html = '<h2>Baseline</h2><p id="baseline-line" class="' + (b.regressions > 0 ? 'regressed' : 'steady') + '">' +
      esc(b.source || '') + ' (' + esc(b.kind || '') + '): <strong>' + Number(b.regressions || 0) +
      ' regression(s)</strong> in ' + Number(b.compared || 0) + ' cases</p>';
    for (const [key, label, open] of lists) {
      const items = Array.isArray(b[key]) ? b[key] : [];
      html += '<details class="bl" data-list="' + key + '"' + (open && items.length ? ' open' : '') + '><summary>' +
        esc(label) + ' (' + items.length + ')</summary><ul>';
      for (const c of items) {
        const transport = c.transport || 'h1';
        const before = c.before ? c.before : (Array.isArray(c.allowed) && c.allowed.length ? 'allowed ' + c.allowed.join('/') : '—');
        html += '<li><a href="' + esc(caseLink(c.case, agents[0], transport)) + '">' + esc(rowKey(c.case, transport)) +
          '</a> ' + esc(before) + ' → ' + esc(c.after || '—') + (c.reason ? ' <span class="muted">' + esc(c.reason) + '</span>' : '') + '</li>';
      }
      html += '</ul></details>';
    }
    box.innerHTML = html;
    box.hidden = false;
  }

  // Matrix: one string, parsed once. A table per area with the same fixed column widths as the
  // header table, so that the browser lays out only the areas on screen (content-visibility).
  function buildMatrix() {
    const box = document.getElementById('matrix');
    const cols = '<colgroup><col class="case">' + agents.map((a, i) => '<col class="a' + i + '">').join('') + '</colgroup>';
    const out = ['<table class="m head">' + cols + '<thead><tr><th class="case">case</th>'];
    agents.forEach((a, i) => out.push('<th class="a' + i + '" title="' + esc(a) + '">' + esc(a) + '</th>'));
    out.push('</tr></thead></table>');
    let index = 0;
    areas.forEach((area) => {
      const list = areaRows.get(area);
      out.push('<section class="area" data-area="' + esc(area) + '" style="contain-intrinsic-size:auto ' +
        (list.length * 21 + 30) + 'px"><h3 class="area-head">' + esc(area) + ' <span class="muted">(' + list.length +
        ')</span></h3><table class="m">' + cols + '<tbody>');
      for (const row of list) {
        row.index = index++;
        out.push('<tr class="row" data-i="' + row.index + '"><th class="case" title="' + esc(row.title) + '">' +
          '<a href="' + caseLink(row.id, agents[0], row.transport).replace(/&agent=[^&]*/, '') + '">' + esc(row.key) + '</a>' +
          (row.autobahn ? '<span class="ab">' + esc(row.autobahn) + '</span>' : '') + '</th>');
        for (let i = 0; i < agents.length; ++i) {
          const r = row.cells[i];
          if (!r) { out.push('<td class="c a' + i + ' v-none">—</td>'); continue; }
          const code = closeCode(r);
          const reason = r.observed && r.observed.reason;
          out.push('<td class="c a' + i + ' v-' + esc(r.verdict) + '" data-v="' + esc(r.verdict) + '"' +
            (reason ? ' title="' + esc(reason) + '"' : '') + '><a href="' + caseLink(row.id, agents[i], row.transport) + '">' +
            (SHORT[r.verdict] || esc(r.verdict)) + (code ? ' ' + code : '') + '</a></td>');
        }
        out.push('</tr>');
      }
      out.push('</tbody></table></section>');
    });
    box.innerHTML = out.join('');
    const trs = box.querySelectorAll('tr.row');
    for (const tr of trs) rows[Number(tr.dataset.i)].tr = tr;
    box.addEventListener('click', (ev) => {
      const head = ev.target.closest('h3.area-head');
      if (head) head.parentElement.classList.toggle('collapsed');
    });
  }

  // Filters ------------------------------------------------------------------------------------
  const hiddenAgents = new Set();
  const shownVerdicts = new Set(VERDICTS);
  const agentStyle = document.createElement('style');
  document.head.appendChild(agentStyle);

  function buildFilters() {
    const areaSel = document.getElementById('f-area');
    for (const a of areas) areaSel.appendChild(el('option', { value: a }, a));
    const vbox = document.getElementById('f-verdicts');
    for (const v of VERDICTS) {
      const label = el('label');
      const cb = el('input', { type: 'checkbox', 'data-verdict': v });
      cb.checked = true;
      cb.addEventListener('change', () => { if (cb.checked) shownVerdicts.add(v); else shownVerdicts.delete(v); applyFilters(); });
      label.append(cb, el('span', { class: 'badge v-' + v }, v));
      vbox.appendChild(label);
    }
    const abox = document.getElementById('f-agents');
    if (agents.length > 1) {
      agents.forEach((a, i) => {
        const label = el('label');
        const cb = el('input', { type: 'checkbox', 'data-agent': a });
        cb.checked = true;
        cb.addEventListener('change', () => { if (cb.checked) hiddenAgents.delete(i); else hiddenAgents.add(i); applyFilters(); });
        label.append(cb, document.createTextNode(a));
        abox.appendChild(label);
      });
    }
    document.getElementById('f-text').addEventListener('input', applyFilters);
    areaSel.addEventListener('change', applyFilters);
    document.getElementById('f-reset').addEventListener('click', () => {
      document.getElementById('f-text').value = '';
      areaSel.value = '';
      for (const cb of document.querySelectorAll('#filters input[type=checkbox]')) cb.checked = true;
      hiddenAgents.clear();
      VERDICTS.forEach((v) => shownVerdicts.add(v));
      applyFilters();
    });
    document.getElementById('f-expand').addEventListener('click', () => {
      for (const sec of document.querySelectorAll('#matrix section.area')) sec.classList.remove('collapsed');
    });
    document.getElementById('f-collapse').addEventListener('click', () => {
      for (const sec of document.querySelectorAll('#matrix section.area')) sec.classList.add('collapsed');
    });
  }

  // Shows the rows that match every filter; returns how many are shown.
  function applyFilters() {
    const text = document.getElementById('f-text').value.trim().toLowerCase();
    const area = document.getElementById('f-area').value;
    const allVerdicts = shownVerdicts.size === VERDICTS.length;
    // Fixed table layout needs a width: the case column (380px) and one per shown agent (76px).
    let css = '#matrix table.m{width:' + (380 + 76 * (agents.length - hiddenAgents.size)) + 'px}';
    for (const i of hiddenAgents) css += '#matrix .a' + i + '{display:none}';
    agentStyle.textContent = css;
    let shown = 0;
    const areaShown = new Map();
    for (const row of rows) {
      let ok = (!area || row.area === area) && (!text || row.search.includes(text));
      if (ok && !allVerdicts) {
        ok = false;
        for (let i = 0; i < agents.length && !ok; ++i) {
          const r = row.cells[i];
          if (r && !hiddenAgents.has(i) && shownVerdicts.has(r.verdict)) ok = true;
        }
      }
      if (row.tr.hidden === ok) row.tr.hidden = !ok;
      if (ok) { ++shown; areaShown.set(row.area, (areaShown.get(row.area) || 0) + 1); }
    }
    for (const sec of document.querySelectorAll('#matrix section.area')) {
      const n = areaShown.get(sec.dataset.area) || 0;
      sec.hidden = n === 0;
      // The placeholder height of an area off screen, until it is rendered once.
      sec.style.containIntrinsicSize = 'auto ' + (n * 21 + 30) + 'px';
    }
    document.getElementById('f-count').textContent = shown + ' of ' + rows.length + ' cases shown';
    return shown;
  }

  // Case details --------------------------------------------------------------------------------
  function hexToBytes(hex) {
    const n = hex.length >> 1;
    const b = new Uint8Array(n);
    for (let i = 0; i < n; ++i) b[i] = parseInt(hex.substr(i * 2, 2), 16);
    return b;
  }
  function hexDump(bytes) {
    const lines = [];
    for (let off = 0; off < bytes.length; off += 16) {
      let hex = '';
      let ascii = '';
      for (let i = 0; i < 16; ++i) {
        if (i === 8) hex += ' ';
        if (off + i < bytes.length) {
          const c = bytes[off + i];
          hex += (c < 16 ? '0' : '') + c.toString(16) + ' ';
          ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
        } else {
          hex += '   ';
        }
      }
      lines.push(off.toString(16).padStart(4, '0') + '  ' + hex + ' |' + ascii + '|');
    }
    return lines.join('\n');
  }
  // The payload of a logged frame, unmasked; null when the bytes do not hold a whole header.
  function unmaskedPayload(bytes) {
    if (bytes.length < 2) return null;
    let len = bytes[1] & 0x7f;
    let off = 2;
    if (len === 126) { if (bytes.length < 4) return null; len = (bytes[2] << 8) | bytes[3]; off = 4; }
    else if (len === 127) { if (bytes.length < 10) return null; off = 10; len = bytes.length; }
    if (!(bytes[1] & 0x80)) return null;
    if (bytes.length < off + 4) return null;
    const key = bytes.slice(off, off + 4);
    off += 4;
    const payload = bytes.slice(off, Math.min(bytes.length, off + len));
    for (let i = 0; i < payload.length; ++i) payload[i] ^= key[i & 3];
    return payload;
  }

  function wireEntrySummary(e, n) {
    const dir = e.dir === 'out' ? '→ out' : '← in ';
    let s = '#' + String(n).padEnd(4) + ' ' + ('+' + (e.t_us / 1000).toFixed(3) + ' ms').padStart(14) + '  ' + dir + '  ' + (e.kind || '').padEnd(5);
    if (e.kind === 'frame') {
      const rsv = typeof e.rsv === 'number' ? e.rsv.toString(2).padStart(3, '0') : '000';
      s += '  fin=' + (e.fin ? 1 : 0) + ' rsv=' + rsv + ' op=' + e.opcode + ' (' + (OPCODES[e.opcode] || 'reserved') + ')' +
        ' mask=' + (e.masked ? 1 : 0) + ' len=' + e.length;
    }
    const b = e.bytes || {};
    s += '  [' + b.length + ' bytes' + (b.sha256 ? ', elided' : '') + ']';
    return s;
  }

  function fillWireEntry(details, e) {
    if (details.dataset.filled) return;
    details.dataset.filled = '1';
    const b = e.bytes || {};
    if (b.sha256) {
      details.appendChild(el('pre', { class: 'elided' }, b.length + ' bytes, not shown; sha256 ' + b.sha256));
      return;
    }
    const bytes = hexToBytes(b.hex || '');
    details.appendChild(el('pre', { class: 'hex' }, hexDump(bytes)));
    if (e.kind === 'frame' && e.masked) {
      const p = unmaskedPayload(bytes);
      if (p && p.length > 0) {
        details.appendChild(el('div', { class: 'muted' }, 'payload, unmasked:'));
        details.appendChild(el('pre', { class: 'hex unmasked' }, hexDump(p)));
      }
    }
  }

  function buildWireLog(r, box) {
    const log = Array.isArray(r.wirelog) ? r.wirelog : [];
    box.appendChild(el('h3', null, 'Wire log (' + log.length + ' entries' +
      (r.wirelog_dropped ? ', ' + r.wirelog_dropped + ' left out in the middle' : '') + ')'));
    const wrap = el('div', { class: 'wire', id: 'wirelog' });
    log.forEach((e, n) => {
      const d = el('details', { class: e.dir === 'out' ? 'out' : 'in' });
      d.appendChild(el('summary', null, wireEntrySummary(e, n)));
      d.addEventListener('toggle', () => { if (d.open) fillWireEntry(d, e); });
      if (n < 20) { d.open = true; fillWireEntry(d, e); }
      wrap.appendChild(d);
    });
    box.appendChild(wrap);
  }

  function kv(dl, key, value) {
    if (value === undefined || value === null || value === '') return;
    dl.appendChild(el('dt', null, key));
    const dd = el('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
  }
  function badge(v) { return el('span', { class: 'badge v-' + v }, v); }

  function headerValue(headers, name) {
    if (!Array.isArray(headers)) return '';
    const vals = headers.filter((h) => Array.isArray(h) && String(h[0]).toLowerCase() === name).map((h) => h[1]);
    return vals.join(', ');
  }

  function showDetail(row, agentI) {
    const r = row.cells[agentI];
    const body = document.getElementById('detail-body');
    body.textContent = '';
    const panel = document.getElementById('detail');
    panel.hidden = false;
    panel.dataset.case = row.id;
    panel.dataset.agent = agents[agentI];
    const h = el('h2', null, row.key + ' ');
    if (r) h.appendChild(badge(r.verdict));
    body.appendChild(h);
    const others = el('p', { class: 'agents' });
    agents.forEach((a, i) => {
      const x = row.cells[i];
      const link = el('a', { href: caseLink(row.id, a, row.transport), class: 'badge v-' + (x ? x.verdict : 'none') }, a);
      if (i === agentI) link.style.outline = '2px solid #000';
      others.append(link, document.createTextNode(' '));
    });
    body.appendChild(others);
    if (!r) { body.appendChild(el('p', null, 'Agent ' + agents[agentI] + ' did not run this case.')); return; }
    const o = r.observed || {};
    const hs = o.handshake || {};
    const dl = el('dl', { class: 'kv' });
    kv(dl, 'agent', agents[agentI]);
    kv(dl, 'title', r.title);
    kv(dl, 'requirement', r.requirement);
    kv(dl, 'RFC', Array.isArray(r.rfc) ? r.rfc.map((s) => 'RFC ' + s.replace('#', ' §')).join(', ') : '');
    kv(dl, 'Autobahn', r.autobahn || '—');
    kv(dl, 'area', r.area);
    kv(dl, 'transport', transportOf(r));
    kv(dl, 'verdict', badge(r.verdict));
    kv(dl, 'reason', o.reason);
    const cv = el('span');
    cv.append(badge(r.close_verdict || '?'), document.createTextNode(o.close_verdict_reason ? ' ' + o.close_verdict_reason : ''));
    kv(dl, 'close verdict', cv);
    if (o.close) {
      const c = o.close;
      kv(dl, 'close', 'started by ' + c.initiator + '; peer code ' + (c.received ? (c.code === null ? 'none (1005)' : c.code) : 'no close frame') +
        (c.reason ? ' "' + c.reason + '"' : '') + '; peer closed TCP: ' + (c.peer_closed_tcp ? 'yes' : 'no'));
    }
    kv(dl, 'duration', r.duration_ms + ' ms');
    kv(dl, 'connect', typeof o.connect_us === 'number' ? (o.connect_us / 1000).toFixed(3) + ' ms' : '');
    kv(dl, 'handshake', typeof o.handshake_us === 'number' ? (o.handshake_us / 1000).toFixed(3) + ' ms' : '');
    kv(dl, 'subprotocol', hs.subprotocol || '—');
    kv(dl, 'extensions', headerValue(hs.headers, 'sec-websocket-extensions') || '—');
    body.appendChild(dl);

    body.appendChild(el('h3', null, 'Opening handshake'));
    if (hs.status !== undefined) {
      body.appendChild(el('p', null, 'HTTP status ' + hs.status));
      const t = el('table', { class: 'headers' });
      for (const hd of hs.headers || []) {
        const tr = el('tr');
        tr.append(el('td', null, hd[0] + ':'), el('td', null, hd[1]));
        t.appendChild(tr);
      }
      body.appendChild(t);
    } else {
      body.appendChild(el('p', { class: 'muted' }, o.connected === false ? 'no connection: ' + (o.connect_error || '') : 'no response'));
    }
    body.appendChild(el('h3', null, 'Expected'));
    body.appendChild(el('pre', { class: 'expected' }, JSON.stringify(r.expected, null, 2)));
    body.appendChild(el('h3', null, 'Observed'));
    body.appendChild(el('pre', { class: 'observed' }, JSON.stringify(o, null, 2)));
    buildWireLog(r, body);
    panel.scrollTop = 0;
  }

  function closeDetail() {
    const panel = document.getElementById('detail');
    panel.hidden = true;
    document.getElementById('detail-body').textContent = '';
  }

  function route() {
    const params = new URLSearchParams(location.hash.slice(1));
    const id = params.get('case');
    if (!id) { closeDetail(); return; }
    const transport = params.get('transport') || 'h1';
    const row = rowByKey.get(rowKey(id, transport));
    if (!row) { closeDetail(); return; }
    let agentI = agentIndex.has(params.get('agent')) ? agentIndex.get(params.get('agent')) : -1;
    if (agentI < 0) agentI = Math.max(0, row.cells.findIndex((x) => x));
    showDetail(row, agentI);
  }

  timings.rows = performance.now();
  buildMeta();
  buildSummary();
  buildBaseline();
  buildMatrix();
  timings.matrix = performance.now();
  buildFilters();
  const count = applyFilters();
  timings.filtered = performance.now();
  const bar = document.getElementById('filters');
  const stick = () => document.documentElement.style.setProperty('--filters-h', bar.offsetHeight + 'px');
  stick();
  timings.layout = performance.now();
  // First paint of the built page: the next frame, then the task after it.
  requestAnimationFrame(() => setTimeout(() => { window.wsprobeReport.paintedMs = performance.now(); }, 0));
  window.addEventListener('resize', stick);
  window.addEventListener('hashchange', route);
  document.getElementById('detail-close').addEventListener('click', (ev) => {
    ev.preventDefault();
    history.pushState(null, '', location.pathname + location.search);
    closeDetail();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !document.getElementById('detail').hidden) document.getElementById('detail-close').click();
  });
  route();
  // For tests and the curious: what was built and how long it took from navigation start.
  window.wsprobeReport = { agents: agents, rows: rows.length, shown: count, applyFilters: applyFilters, timings: timings,
    readyMs: performance.now() };
})();
