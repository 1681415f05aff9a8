// Autobahn-style testee client on node `ws` (NODE_PATH from tests/peers/install_node_ws.sh).
//   node node_ws_testee_client.js testee ws://127.0.0.1:PORT [AGENT]  getCaseCount, runCase 1..N
//                                                                    echoing every message,
//                                                                    updateReports
//   node node_ws_testee_client.js one URL                            one case (for --spawn)
'use strict';
const WebSocket = require('ws');

function echoCase(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { maxPayload: 32 * 1024 * 1024, perMessageDeflate: false });
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', (e) => process.stderr.write(`${url}: ${e.message}\n`));
    ws.on('close', () => resolve());
  });
}

function oneMessage(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let text = '';
    ws.on('message', (data) => { text = data.toString(); });
    ws.on('error', reject);
    ws.on('close', () => resolve(text));
  });
}

async function testee(base, agent) {
  const count = parseInt(await oneMessage(`${base}/getCaseCount`), 10);
  for (let n = 1; n <= count; n++) {
    await echoCase(`${base}/runCase?case=${n}&agent=${encodeURIComponent(agent)}`);
  }
  await oneMessage(`${base}/updateReports?agent=${encodeURIComponent(agent)}`);
}

const [mode, url, agent] = process.argv.slice(2);
const done = mode === 'testee' ? testee(url.replace(/\/$/, ''), agent || 'node-ws') : echoCase(url);
done.then(() => process.exit(0), (e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
