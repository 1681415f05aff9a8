# Python `websockets` echo server (tests/peers/python_ws_echo_server.py) from Debian's package.
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-websockets \
    && rm -rf /var/lib/apt/lists/*
COPY tests/peers/python_ws_echo_server.py /peer/
CMD ["python3", "/peer/python_ws_echo_server.py", "9003", "0.0.0.0"]
