// Echo server on the node `ws` library, a third-party peer for integration tests. Configured as
// the ws project configures its own Autobahn|Testsuite server (no compression), so that our
// verdicts can be compared with the ones it publishes (../shared/oracles/).
// Usage: NODE_PATH=<dir with node_modules> node node_ws_echo_server.js [PORT [HOST]]
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const host = process.argv[3] || '127.0.0.1';  // 0.0.0.0 in a container
const wss = new WebSocketServer({ host, port, perMessageDeflate: false });

wss.on('listening', () => {
  process.stdout.write(`listening on ws://${host}:${wss.address().port}/\n`);
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});  // protocol errors are what the suite provokes; ws closes the socket
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => process.exit(0));
  });
}
