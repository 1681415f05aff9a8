// Everything `wsprobe load` is asked to do, already checked by the command line.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
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

// What `wsprobe load` was given on its command line, as typed; an option left out is nullopt (an
// option given an empty value is not: "--shard ''" must not mean "unsharded"). Numbers are
// parsed by make_load_options, so that every bad value gets a message that names its option.
struct load_args {
  using text = std::optional<std::string>;
  std::string url;
  text connections;
  text connect_rate;
  text max_pending_handshakes;
  text duration_s;
  text warmup_s;
  text rate;
  text rate_per_conn;
  text in_flight;
  bool idle = false;
  text ping_interval_s;
  bool send_only = false;
  text size;
  text size_dist;
  bool text_messages = false;  // --text
  bool binary = false;
  text payload_file;
  text threads;
  std::vector<std::string> source_ips;  // each may hold a comma-separated list
  text shard;
  text start_at;
  bool insecure = false;
  text ca_file;
};

// The largest message --size, --size-dist and --payload-file may ask for: a message is built
// whole in its connection's write buffer.
inline constexpr std::uint64_t max_message_size = std::uint64_t{1} << 30;
// The longest --duration, --warmup and --ping-interval, and how far --start-at may be from now.
inline constexpr std::chrono::hours max_load_time{24 * 365};
inline constexpr std::chrono::hours max_start_distance{24 * 7};

// Checks the command line and fills `out`. Returns "" when all is well, else one line that names
// the option and its value, e.g. "--rate 0: must be a number of messages per second above 0".
// `shard_env` is the value of JOB_COMPLETION_INDEX (nullptr when unset), `cores` the default
// --threads, `now` what
// --start-at is compared with. Reads --payload-file and binds each --source-ip once (port 0) to
// be sure it is an address of this machine.
std::string make_load_options(const load_args& args, load_options& out, const char* shard_env,
                              std::size_t cores, std::chrono::system_clock::time_point now);

}  // namespace wsprobe::load
