# node `ws` echo server (tests/peers/node_ws_echo_server.js), the version whose Autobahn results
# the ws project publishes (../shared/oracles/ws-8.18.3-node.index.json).
FROM node:20-bookworm-slim
WORKDIR /peer
RUN npm install --no-audit --no-fund ws@8.18.3
COPY tests/peers/node_ws_echo_server.js /peer/
ENV NODE_PATH=/peer/node_modules
CMD ["node", "/peer/node_ws_echo_server.js", "9002", "0.0.0.0"]
