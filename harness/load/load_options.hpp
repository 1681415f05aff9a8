// Everything `wsprobe load` is asked to do, already checked by the command line.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/load/echo_payload.hpp"
#include "harness/load/shard_plan.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/net/url.hpp"

namespace wsprobe::load {

// How messages are sent.
enum class load_model {
  // Sent on a fixed schedule whatever the server does; latency from the intended send time.
  open_loop,
  // Each connection keeps `in_flight` messages outstanding: the next leaves when an echo returns.
  closed_loop,
  // Connections are held open and only ping every ping_interval.
  idle,
};

const char* to_string(load_model model);

struct load_options {
  net::ws_url url;
  std::size_t connections = 1;
  double connect_rate = 0;  // handshakes per second over all threads; 0 = unpaced
  std::size_t max_pending_handshakes = 256;
  std::chrono::nanoseconds duration = std::chrono::seconds(10);
  std::chrono::nanoseconds warmup{0};
  std::chrono::nanoseconds drain = std::chrono::seconds(1);  // wait for echoes after the end
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds(10);
  load_model model = load_model::open_loop;
  double rate = 1000;         // open loop: messages per second over all connections
  std::size_t in_flight = 1;  // closed loop, per connection
  payload_spec payload;
  std::chrono::nanoseconds ping_interval = std::chrono::seconds(1);
  // --send-only (open loop): messages go out on the schedule and echoes are not awaited or
  // checked (for a sink server); only what was sent is counted, no latency.
  bool send_only = false;
  std::size_t threads = 1;
  // Local addresses to connect from, round robin; empty: let the kernel choose.
  std::vector<boost::asio::ip::address> source_ips;
  net::tls_client_options tls;

  // --shard K/N: connections, rate and connect_rate above are already this shard's share; the
  // run's totals are kept for the report.
  std::optional<shard_spec> shard;
  std::size_t total_connections = 0;
  double total_rate = 0;
  double total_connect_rate = 0;
  // --start-at: connections start at this wall-clock instant (series t counts from it).
  std::optional<std::chrono::system_clock::time_point> start_at;
  // Keep each second's latency histogram in the series (sharded runs: the merge recomputes the
  // percentiles of every second from them).
  bool series_histograms = false;
};

}  // namespace wsprobe::load
