// Opens a wsprobe index.html from disk in headless Debian chromium (playwright-core, never a
// downloaded browser) and checks it through the DOM.
//   node report_check.js failures INDEX_HTML INDEX_JSON SCREENSHOT_DIR AGENTS
//     matrix counts = index.json, filters narrow rows, a case's wire log shows hex, anchors
//     open a case on load, AGENTS matrix columns; screenshots.
//   node report_check.js baseline INDEX_HTML INDEX_JSON
//     the baseline section shows index.json's regression count and one link per newly failing
//     case, and a link opens that case.
//   node report_check.js budget INDEX_HTML CASES AGENTS BUDGET_MS OPEN_BUDGET_MS
//     the page builds and paints, and a filter applies, within BUDGET_MS; navigation start to
//     first paint (reading and parsing the file included) within OPEN_BUDGET_MS (performance.now).
// Exits 0 when every check holds; prints what failed otherwise.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const VERDICTS = ['OK', 'NON-STRICT', 'INFORMATIONAL', 'UNIMPLEMENTED', 'FAILED'];
let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures++;
}

async function openBrowser() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsprobe-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  // The page must not fetch anything but itself.
  const fetched = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    fetched.push(url);
    return route.abort();
  });
  const errors = [];
  const close = async () => { await context.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); };
  return { context, fetched, errors, close };
}

async function openPage(b, url) {
  const page = await b.context.newPage();
  page.on('pageerror', (e) => b.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') b.errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.wsprobeReport !== undefined, null, { timeout: 30000 });
  return page;
}

function expectedCounts(doc) {
  const agents = Array.isArray(doc.agents) ? doc.agents.map((a) => a.name) : [doc.target.agent];
  const counts = new Map(agents.map((a) => [a, Object.fromEntries([['total', 0], ...VERDICTS.map((v) => [v, 0])])]));
  for (const r of doc.results) {
    const c = counts.get(r.agent !== undefined ? r.agent : agents[0]);
    c.total++;
    c[r.verdict]++;
  }
  return { agents, counts };
}

async function failuresCheck(html, jsonPath, shotDir, agentCount) {
  const doc = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const { agents, counts } = expectedCounts(doc);
  const b = await openBrowser();
  const url = 'file://' + path.resolve(html);
  const page = await openPage(b, url);

  // Columns: one per agent.
  const columns = await page.$$eval('#matrix thead th', (ths) => ths.length - 1);
  check(columns === agentCount && agents.length === agentCount, `matrix has ${agentCount} agent columns (got ${columns})`);

  // Summary and matrix counts per agent and verdict equal index.json's.
  let allMatch = true;
  for (const [i, a] of agents.entries()) {
    const c = counts.get(a);
    for (const v of ['total', ...VERDICTS]) {
      const shown = await page.$eval(`#summary-table tr[data-agent="${a}"] td[data-v="${v}"]`, (td) => Number(td.textContent));
      if (shown !== c[v]) { allMatch = false; console.log(`  summary ${a} ${v}: page ${shown}, index.json ${c[v]}`); }
      if (v === 'total') continue;
      const cells = await page.$$eval(`#matrix td.a${i}[data-v="${v}"]`, (tds) => tds.length);
      if (cells !== c[v]) { allMatch = false; console.log(`  matrix ${a} ${v}: page ${cells}, index.json ${c[v]}`); }
    }
  }
  check(allMatch, 'summary and matrix verdict counts equal index.json for every agent');
  const failedTotal = agents.reduce((n, a) => n + counts.get(a).FAILED, 0);
  check(failedTotal > 0, `the report has FAILED cases (${failedTotal})`);
  const failedCells = await page.$$eval('#matrix td.v-FAILED', (tds) => tds.length);
  check(failedCells === failedTotal, `FAILED cells are coloured as such (${failedCells})`);

  // Filters narrow the rows.
  const total = await page.$$eval('#matrix tr.row', (trs) => trs.length);
  for (const v of VERDICTS) if (v !== 'FAILED') await page.uncheck(`#f-verdicts input[data-verdict="${v}"]`);
  const failedRows = await page.$$eval('#matrix tr.row:not([hidden])', (trs) => trs.map((tr) => tr.querySelectorAll('td.v-FAILED').length));
  check(failedRows.length > 0 && failedRows.length < total && failedRows.every((n) => n > 0),
    `verdict filter FAILED shows ${failedRows.length} of ${total} rows, each with a FAILED cell`);
  const firstFailed = doc.results.find((r) => r.verdict === 'FAILED');
  const area = firstFailed.area;
  await page.selectOption('#f-area', area);
  const areaRows = await page.$$eval('#matrix tr.row:not([hidden])', (trs) => trs.length);
  check(areaRows > 0 && areaRows <= failedRows.length, `area filter ${area} narrows to ${areaRows} rows`);
  await page.click('#f-reset');
  await page.fill('#f-text', firstFailed.case);
  const textRows = await page.$$eval('#matrix tr.row:not([hidden]) th.case a', (as) => as.map((a) => a.textContent));
  check(textRows.length >= 1 && textRows.length < total && textRows.includes(firstFailed.case),
    `text filter "${firstFailed.case}" shows ${textRows.length} row(s) including it`);
  if (agents.length > 1) {
    await page.uncheck(`#f-agents input[data-agent="${agents[0]}"]`);
    const visibleCols = await page.$$eval('#matrix thead th', (ths) => ths.filter((th) => th.offsetParent !== null).length - 1);
    check(visibleCols === agents.length - 1, `agent filter hides a column (${visibleCols} shown)`);
  }
  await page.click('#f-reset');
  // Matrix screenshot with the failures in view.
  for (const v of VERDICTS) if (v !== 'FAILED') await page.uncheck(`#f-verdicts input[data-verdict="${v}"]`);
  await page.screenshot({ path: path.join(shotDir, 'report-failures.png') });
  await page.click('#f-reset');

  // A FAILED cell opens the case with its wire log in hex.
  const failedAgent = firstFailed.agent !== undefined ? firstFailed.agent : agents[0];
  const ai = agents.indexOf(failedAgent);
  const sel = `#matrix tr.row td.a${ai}.v-FAILED a`;
  const href = await page.$eval(sel, (a) => a.getAttribute('href'));
  await page.click(sel);
  await page.waitForSelector('#detail:not([hidden]) #wirelog');
  const detail = await page.$eval('#detail', (d) => ({
    caseId: d.dataset.case, agent: d.dataset.agent, h2: d.querySelector('h2').textContent,
    hex: [...d.querySelectorAll('#wirelog pre.hex')].map((p) => p.textContent),
    entries: d.querySelectorAll('#wirelog details').length,
    expected: d.querySelector('pre.expected').textContent,
    text: d.textContent,
  }));
  check(page.url().endsWith(href), `clicking a cell sets the anchor ${href}`);
  check(detail.entries > 0 && detail.hex.length > 0 && /^0000  ([0-9a-f]{2} ){1,8}/.test(detail.hex[0]),
    `the case's wire log opens with ${detail.entries} entries and a hex dump ("${(detail.hex[0] || '').split('\n')[0]}")`);
  check(/requirement/.test(detail.text) && /handshake/.test(detail.text) && detail.expected.length > 2,
    'the detail shows requirement, handshake and expectation');
  await page.screenshot({ path: path.join(shotDir, 'report-detail.png') });

  // A stable link opens the same case when the page loads.
  const linked = await openPage(b, url + href);
  const opened = await linked.$eval('#detail', (d) => ({ hidden: d.hidden, caseId: d.dataset.case, agent: d.dataset.agent }));
  check(!opened.hidden && opened.caseId === detail.caseId && opened.agent === failedAgent,
    `opening ${href} shows case ${opened.caseId} of agent ${opened.agent}`);
  check(b.fetched.length === 0, `no network request (${b.fetched.join(' ') || 'none'})`);
  check(b.errors.length === 0, `no script error (${b.errors.join('; ') || 'none'})`);
  await b.close();
}

async function budgetCheck(html, cases, agentCount, budgetMs, openBudgetMs) {
  const b = await openBrowser();
  // The best of three loads: the machine is shared, and one slow load says more about the
  // other processes than about the page.
  let page = null;
  let info = null;
  for (let attempt = 0; attempt < 3; ++attempt) {
    if (page) await page.close();
    page = await openPage(b, 'file://' + path.resolve(html));
    await page.waitForFunction(() => window.wsprobeReport.paintedMs !== undefined);
    const got = await page.evaluate(() => {
      const w = window.wsprobeReport;
      return { rows: w.rows, agents: w.agents.length, start: w.timings.start, painted: w.paintedMs };
    });
    console.log(`  load ${attempt + 1}: first paint at ${got.painted.toFixed(0)} ms, script from ${got.start.toFixed(0)} ms`);
    if (!info || got.painted < info.painted) info = got;
  }
  check(info.rows === cases && info.agents === agentCount, `${info.rows} cases × ${info.agents} agents`);
  const ownMs = info.painted - info.start;
  console.log(`  first paint ${info.painted.toFixed(0)} ms after navigation start; the page's own work ` +
    `(script start to first paint) ${ownMs.toFixed(0)} ms, before it the browser read and parsed the file`);
  check(ownMs < budgetMs, `the page builds and paints within ${budgetMs} ms`);
  check(info.painted < openBudgetMs, `the page opens (navigation to first paint) within ${openBudgetMs} ms`);
  const filter = await page.evaluate(() => {
    const t0 = performance.now();
    const input = document.getElementById('f-text');
    input.value = 'case-07';
    input.dispatchEvent(new Event('input'));
    void document.body.offsetHeight;  // include the layout the filter causes
    const t1 = performance.now();
    const shown = document.querySelectorAll('#matrix tr.row:not([hidden])').length;
    const cb = document.querySelector('#f-verdicts input[data-verdict="OK"]');
    cb.click();
    void document.body.offsetHeight;
    const t2 = performance.now();
    return { textMs: t1 - t0, verdictMs: t2 - t1, shown };
  });
  console.log(`  text filter ${filter.textMs.toFixed(1)} ms, verdict filter ${filter.verdictMs.toFixed(1)} ms`);
  check(filter.shown > 0 && filter.shown < cases, `text filter narrows to ${filter.shown} rows`);
  check(filter.textMs < budgetMs && filter.verdictMs < budgetMs, `filters apply within ${budgetMs} ms`);
  check(b.errors.length === 0, `no script error (${b.errors.join('; ') || 'none'})`);
  await b.close();
}

async function baselineCheck(html, json) {
  const doc = JSON.parse(fs.readFileSync(json, 'utf8'));
  check(doc.baseline && Array.isArray(doc.baseline.newly_failing), 'index.json has a baseline comparison');
  const b = await openBrowser();
  const page = await openPage(b, 'file://' + path.resolve(html));
  const got = await page.evaluate(() => {
    const box = document.getElementById('baseline');
    const list = box.querySelector('details[data-list="newly_failing"]');
    return {
      hidden: box.hidden,
      line: (document.getElementById('baseline-line') || {}).textContent || '',
      open: list ? list.open : false,
      links: list ? Array.from(list.querySelectorAll('a')).map((a) => a.getAttribute('href')) : [],
    };
  });
  check(!got.hidden, 'the baseline section is shown');
  check(got.line.includes(doc.baseline.regressions + ' regression(s)'), `the line says the regressions: ${got.line}`);
  check(got.open && got.links.length === doc.baseline.newly_failing.length,
    `${got.links.length} newly failing cases listed, index.json has ${doc.baseline.newly_failing.length}`);
  if (got.links.length > 0) {
    await page.click('#baseline details[data-list="newly_failing"] a');
    await page.waitForSelector('#detail:not([hidden])');
    const title = await page.textContent('#detail-body');
    check(title.includes(doc.baseline.newly_failing[0].case), 'a newly failing link opens its case');
  }
  check(b.errors.length === 0 && b.fetched.length === 0, 'no script error and no network request');
  await b.close();
}

(async () => {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'failures') await failuresCheck(args[0], args[1], args[2], Number(args[3]));
  else if (mode === 'baseline') await baselineCheck(args[0], args[1]);
  else if (mode === 'budget') await budgetCheck(args[0], Number(args[1]), Number(args[2]), Number(args[3]), Number(args[4]));
  else { console.error('usage: report_check.js failures|baseline|budget ...'); process.exit(2); }
  process.exit(failures === 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
