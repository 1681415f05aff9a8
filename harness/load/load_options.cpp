#include "harness/load/load_options.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "harness/load/start_time.hpp"
#include "harness/wire/utf8.hpp"

namespace wsprobe::load {

const char* to_string(load_model model) {
  switch (model) {
    case load_model::open_loop:
      return "open-loop";
    case load_model::closed_loop:
      return "closed-loop";
    case load_model::idle:
      return "idle";
  }
  return "unknown";
}

namespace {

std::string in_quotes(const std::string& s) {
  return "'" + s + "'";
}

// "--flag VALUE" as typed, for messages ('' for an empty value).
std::string named(const char* flag, const std::string& text) {
  return std::string(flag) + " " + (text.empty() ? in_quotes(text) : text);
}

bool parse_int(std::string_view text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool parse_unsigned(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// A finite decimal number (also 1e3, .5); false for nan, inf and anything else.
bool parse_real(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0 && std::isfinite(out);
}

std::string parse_count(const char* flag, const std::string& text, std::int64_t min,
                        std::size_t& out) {
  std::int64_t v = 0;
  if (!parse_int(text, v) || v < min) {
    return named(flag, text) + ": must be a whole number of at least " + std::to_string(min);
  }
  out = static_cast<std::size_t>(v);
  return {};
}

const double max_seconds = std::chrono::duration<double>(max_load_time).count();

// A time option: seconds above 0 (or from 0 unless `strict`), at most a year.
std::string parse_seconds(const char* flag, const std::string& text, bool strict,
                          std::chrono::nanoseconds& out) {
  double v = 0;
  if (!parse_real(text, v) || (strict ? !(v > 0) : v < 0) || v > max_seconds) {
    return named(flag, text) + ": must be a number of seconds " + (strict ? "above 0" : "from 0") +
           ", up to 31536000 (365 days)";
  }
  out = std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(v * 1e9)));
  return {};
}

std::string parse_rate(const char* flag, const std::string& text, double& out) {
  if (!parse_real(text, out) || !(out > 0)) {
    return named(flag, text) + ": must be a number of messages per second above 0";
  }
  return {};
}

// `flag` names the option and its value; `what` the number checked ("" for the whole value).
std::string check_size(const std::string& flag, const char* what, std::uint64_t size) {
  if (size < stamp_size) {
    return flag + ": " + what + "must be at least 16 bytes (the stamp: sequence number and " +
           "send time)";
  }
  if (size > max_message_size) {
    return flag + ": " + what + "must be at most " + std::to_string(max_message_size) +
           " bytes (1 GiB)";
  }
  return {};
}

// Which load model the flags ask for; "" when they agree.
std::string choose_model(const load_args& a, load_options& o) {
  if (a.rate && a.rate_per_conn) return "--rate and --rate-per-conn exclude each other";
  std::vector<const char*> models;
  if (a.rate) models.push_back("--rate");
  if (a.rate_per_conn) models.push_back("--rate-per-conn");
  if (a.in_flight) models.push_back("--in-flight");
  if (a.idle) models.push_back("--idle");
  if (models.size() > 1) {
    return std::string(models[0]) + " and " + models[1] +
           " exclude each other: choose one load model (open loop --rate/--rate-per-conn, "
           "closed loop --in-flight, or --idle)";
  }
  if (a.send_only && (a.idle || a.in_flight)) {
    return std::string("--send-only and ") + (a.idle ? "--idle" : "--in-flight") +
           " exclude each other: --send-only is open loop (--rate/--rate-per-conn)";
  }
  if (a.ping_interval_s && !a.idle) {
    return named("--ping-interval", *a.ping_interval_s) +
           ": needs --idle (only idle connections ping)";
  }
  o.send_only = a.send_only;
  if (a.in_flight) {
    o.model = load_model::closed_loop;
    return parse_count("--in-flight", *a.in_flight, 1, o.in_flight);
  }
  if (a.idle) {
    o.model = load_model::idle;
    if (!a.ping_interval_s) return {};
    return parse_seconds("--ping-interval", *a.ping_interval_s, true, o.ping_interval);
  }
  o.model = load_model::open_loop;
  o.rate = 1000;
  if (a.rate) return parse_rate("--rate", *a.rate, o.rate);
  if (a.rate_per_conn) {
    double per_connection = 0;
    if (auto e = parse_rate("--rate-per-conn", *a.rate_per_conn, per_connection); !e.empty()) {
      return e;
    }
    o.rate = per_connection * static_cast<double>(o.connections);
  }
  return {};
}

std::string read_payload_file(const std::string& path, bool text, payload_spec& payload) {
  const std::string flag = "--payload-file " + in_quotes(path);
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return flag + ": cannot read it (" + ec.message() + ")";
  if (!std::filesystem::is_regular_file(status)) return flag + ": not a regular file";
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return flag + ": cannot read it (" + ec.message() + ")";
  if (size < stamp_size) {
    return flag + ": holds " + std::to_string(size) +
           " bytes, at least 16 are needed (the stamp goes there)";
  }
  if (size > max_message_size) {
    return flag + ": holds " + std::to_string(size) + " bytes, at most " +
           std::to_string(max_message_size) + " (1 GiB) can be sent";
  }
  std::ifstream in(path, std::ios::binary);
  payload.fixed.assign(std::istreambuf_iterator<char>(in), {});
  if (payload.fixed.size() != size) return flag + ": cannot read it";
  // The stamp is ASCII; what follows it goes out unchanged, so a text message needs it valid.
  if (text) {
    wire::utf8_validator utf8;
    const std::span<const std::uint8_t> body(payload.fixed.data() + stamp_size,
                                             payload.fixed.size() - stamp_size);
    if (!utf8.feed(body) || !utf8.complete()) {
      const auto at = stamp_size + (utf8.failed() ? utf8.error_offset() : body.size());
      return flag + ": not valid UTF-8 at byte " + std::to_string(at) +
             ", so it cannot be sent with --text";
    }
  }
  return {};
}

std::string choose_payload(const load_args& a, load_options& o) {
  if (a.idle) {
    // Idle connections send no messages: a payload option would be silently ignored.
    for (const auto& [given, flag] : {std::pair{a.size.has_value(), "--size"},
                                      {a.size_dist.has_value(), "--size-dist"},
                                      {a.payload_file.has_value(), "--payload-file"},
                                      {a.text_messages, "--text"},
                                      {a.binary, "--binary"}}) {
      if (given) {
        return std::string(flag) +
               " and --idle exclude each other: idle connections send no "
               "messages";
      }
    }
    return {};
  }
  if (a.text_messages && a.binary) return "--text and --binary exclude each other";
  o.payload.text = a.text_messages;
  const int sources = a.size.has_value() + a.size_dist.has_value() + a.payload_file.has_value();
  if (sources > 1) {
    return a.payload_file ? std::string("--payload-file and ") +
                                (a.size ? "--size" : "--size-dist") + " exclude each other"
                          : "--size and --size-dist exclude each other";
  }
  if (a.payload_file) return read_payload_file(*a.payload_file, a.text_messages, o.payload);
  if (a.size_dist) {
    const std::string flag = "--size-dist " + in_quotes(*a.size_dist);
    const auto colon = a.size_dist->find(':');
    std::uint64_t min = 0, max = 0;
    if (colon == std::string::npos || !parse_unsigned(a.size_dist->substr(0, colon), min) ||
        !parse_unsigned(a.size_dist->substr(colon + 1), max)) {
      return flag + ": must be MIN:MAX, two whole numbers of bytes";
    }
    if (min > max) return flag + ": MIN is larger than MAX";
    if (auto e = check_size(flag, "MIN ", min); !e.empty()) return e;
    if (auto e = check_size(flag, "MAX ", max); !e.empty()) return e;
    o.payload.min_size = min;
    o.payload.max_size = max;
    return {};
  }
  if (a.size) {
    std::int64_t size = 0;
    if (!parse_int(*a.size, size)) return named("--size", *a.size) + ": must be a whole number";
    if (size < 0) return named("--size", *a.size) + ": must be at least 16 bytes";
    const auto bytes = static_cast<std::uint64_t>(size);
    if (auto e = check_size(named("--size", *a.size), "", bytes); !e.empty()) return e;
    o.payload.min_size = o.payload.max_size = bytes;
  }
  return {};
}

// An address this machine can send from: binding it (port 0) succeeds.
std::string check_local(const boost::asio::ip::address& address) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  const boost::asio::ip::tcp::endpoint endpoint(address, 0);
  boost::system::error_code ec;
  socket.open(endpoint.protocol(), ec);
  if (!ec) socket.bind(endpoint, ec);
  if (ec) {
    return "--source-ip " + address.to_string() + ": not an address of this machine (" +
           ec.message() + ")";
  }
  return {};
}

std::string choose_sources(const load_args& a, load_options& o) {
  for (const auto& text : a.source_ips) {
    std::stringstream list(text);
    std::string item;
    bool any = false;
    while (std::getline(list, item, ',')) {
      any = true;
      boost::system::error_code ec;
      const auto address = boost::asio::ip::make_address(item, ec);
      if (ec) return "--source-ip " + in_quotes(item) + ": not an IP address";
      if (!o.source_ips.empty() && o.source_ips.front().is_v4() != address.is_v4()) {
        return "--source-ip " + o.source_ips.front().to_string() + " and " + item +
               ": IPv4 and IPv6 cannot be mixed (connections go to one address of the target)";
      }
      if (auto e = check_local(address); !e.empty()) return e;
      o.source_ips.push_back(address);
    }
    if (!any || text.back() == ',') return "--source-ip " + in_quotes(text) + ": not an IP address";
  }
  return {};
}

// --shard K/N: this process opens its share of the connections and sends their share of the rate
// (and of the handshake rate); the totals stay in the options for the report.
std::string apply_shard(const std::string& text, const char* env, load_options& o) {
  shard_spec s;
  try {
    s = parse_shard(text, env);
  } catch (const shard_error& e) {
    return e.what();
  }
  const auto shard_name = std::to_string(s.index) + "/" + std::to_string(s.count);
  if (o.connections < s.count) {
    return "--shard " + shard_name + ": " + std::to_string(o.connections) +
           " connections cannot be split over " + std::to_string(s.count) +
           " shards (every shard needs at least one)";
  }
  o.shard = s;
  o.total_connections = o.connections;
  o.total_rate = o.rate;
  o.total_connect_rate = o.connect_rate;
  o.connections = shard_share(o.total_connections, s);
  o.rate = shard_rate(o.total_rate, o.total_connections, s);
  o.connect_rate = shard_rate(o.total_connect_rate, o.total_connections, s);
  // A share rounded down to nothing would mean "unpaced" or "never send": refuse instead.
  if (o.model == load_model::open_loop && !(o.rate > 0)) {
    return "--shard " + shard_name + ": the rate is too small to give this shard any messages";
  }
  if (o.total_connect_rate > 0 && !(o.connect_rate > 0)) {
    return "--shard " + shard_name + ": --connect-rate is too small to give this shard any";
  }
  o.series_histograms = true;
  return {};
}

std::string choose_start(const std::string& text, std::chrono::system_clock::time_point now,
                         load_options& o) {
  try {
    o.start_at = parse_start_time(text);
  } catch (const start_time_error& e) {
    return e.what();
  }
  // A start days away (or days ago) is more likely a mistake: milliseconds for seconds, a wrong
  // date, an unset variable's 0.
  if (*o.start_at - now > max_start_distance) {
    return "--start-at " + in_quotes(text) + " (" + format_utc(*o.start_at) +
           ") is more than 7 days away";
  }
  if (now - *o.start_at > max_start_distance) {
    return "--start-at " + in_quotes(text) + " (" + format_utc(*o.start_at) +
           ") was more than 7 days ago";
  }
  return {};
}

}  // namespace

std::string make_load_options(const load_args& a, load_options& o, const char* shard_env,
                              std::size_t cores, std::chrono::system_clock::time_point now) {
  try {
    o.url = net::parse_ws_url(a.url);
  } catch (const net::address_error& e) {
    return e.what();
  }
  if (a.connections) {
    if (auto e = parse_count("--connections", *a.connections, 1, o.connections); !e.empty()) {
      return e;
    }
  }
  if (a.connect_rate) {
    if (!parse_real(*a.connect_rate, o.connect_rate) || o.connect_rate < 0) {
      return named("--connect-rate", *a.connect_rate) +
             ": must be a number of handshakes per second, 0 (unpaced) or more";
    }
  }
  if (a.max_pending_handshakes) {
    if (auto e = parse_count("--max-pending-handshakes", *a.max_pending_handshakes, 1,
                             o.max_pending_handshakes);
        !e.empty()) {
      return e;
    }
  }
  if (a.duration_s) {
    if (auto e = parse_seconds("--duration", *a.duration_s, true, o.duration); !e.empty()) {
      return e;
    }
  }
  if (a.warmup_s) {
    if (auto e = parse_seconds("--warmup", *a.warmup_s, false, o.warmup); !e.empty()) return e;
  }
  if (auto e = choose_model(a, o); !e.empty()) return e;
  if (auto e = choose_payload(a, o); !e.empty()) return e;
  if (a.threads) {
    if (auto e = parse_count("--threads", *a.threads, 1, o.threads); !e.empty()) return e;
  } else {
    o.threads = std::max<std::size_t>(cores, 1);
  }
  if (auto e = choose_sources(a, o); !e.empty()) return e;
  o.tls.insecure = a.insecure;
  if (a.ca_file) {
    if (std::ifstream probe(*a.ca_file); !probe) {
      return "--ca " + in_quotes(*a.ca_file) + ": cannot read it (" +
             std::error_code(errno, std::generic_category()).message() + ")";
    }
    o.tls.ca_file = *a.ca_file;
  }
  if (a.shard) {
    if (auto e = apply_shard(*a.shard, shard_env, o); !e.empty()) return e;
  }
  if (a.start_at) {
    if (auto e = choose_start(*a.start_at, now, o); !e.empty()) return e;
  }
  return {};
}

}  // namespace wsprobe::load
