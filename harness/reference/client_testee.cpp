#include "harness/reference/client_testee.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <charconv>
#include <cstdio>
#include <exception>
#include <iostream>

namespace wsprobe::reference {

namespace {
namespace asio = boost::asio;

// Exit codes (DESIGN.md §2).
constexpr int exit_ok = 0;
constexpr int exit_target_error = 2;

int target_error(const std::string& message) {
  std::fprintf(stderr, "wsprobe echo-client: %s\n", message.c_str());
  return exit_target_error;
}

net::ws_url with_target(net::ws_url url, std::string target) {
  url.target = std::move(target);
  return url;
}

std::optional<std::uint64_t> parse_count(const std::string& text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

net::awaitable<int> testee_protocol(const client_config& config, connection_runner& run) {
  const net::ws_url base = net::parse_ws_url(config.url);
  if (config.once) {
    const auto report = co_await run(base, true);
    std::cout << base.to_string() << ": " << describe(report) << std::endl;
    co_return exit_ok;
  }

  const auto count_url = with_target(base, testee_target(base, "getCaseCount", ""));
  const auto count_report = co_await run(count_url, false);
  if (count_report.texts.empty()) {
    co_return target_error(count_url.to_string() + " sent no case count (" +
                           describe(count_report) + ")");
  }
  const auto count = parse_count(count_report.texts.front());
  if (!count) {
    co_return target_error(count_url.to_string() + " sent \"" + count_report.texts.front() +
                           "\", not a case count");
  }
  const std::uint64_t last = config.case_limit ? std::min(*count, *config.case_limit) : *count;
  const std::string agent = "agent=" + percent_encode(config.agent);
  for (std::uint64_t n = 1; n <= last; ++n) {
    const auto url = with_target(
        base, testee_target(base, "runCase", "case=" + std::to_string(n) + "&" + agent));
    const auto report = co_await run(url, true);
    std::cout << "case " << n << "/" << last << ": " << describe(report) << std::endl;
  }
  const auto update_url = with_target(base, testee_target(base, "updateReports", agent));
  const auto update = co_await run(update_url, true);
  std::cout << "updateReports: " << describe(update) << std::endl;
  co_return exit_ok;
}
}  // namespace

std::string percent_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0xF];
    }
  }
  return out;
}

std::string testee_target(const net::ws_url& base, const std::string& endpoint,
                          const std::string& query) {
  // The base URL's path without its query, and without a trailing slash.
  std::string path = base.target.substr(0, base.target.find('?'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += "/" + endpoint;
  if (!query.empty()) path += "?" + query;
  return path;
}

std::string describe(const connection_report& report) {
  if (report.clean_close) {
    return "closed cleanly" + (report.server_close_code
                                   ? " (" + std::to_string(*report.server_close_code) + ")"
                                   : std::string(" (no code)"));
  }
  if (!report.opened) return "handshake failed: " + report.detail;
  return "ended without a clean close: " + report.detail;
}

int run_testee(const client_config& config, connection_runner run) {
  asio::io_context io(1);
  int rc = exit_ok;
  std::exception_ptr error;
  asio::co_spawn(io, testee_protocol(config, run), [&](std::exception_ptr e, int result) {
    error = e;
    rc = result;
  });
  io.run();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return target_error(e.what());  // cannot connect, TLS failure, bad URL
    }
  }
  return rc;
}

}  // namespace wsprobe::reference
