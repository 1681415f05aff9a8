#include "harness/run/test_server_runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "harness/net/connect.hpp"

namespace wsprobe::run {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

report::case_result make_case_result(const cases::test_case& c, observation o) {
  const judgement j = judge(c, o);
  report::case_result r;
  r.id = c.id;
  r.autobahn = c.autobahn;
  r.area = c.area;
  r.transport = "h1";
  r.title = c.title;
  r.requirement = c.requirement;
  r.rfc = c.rfc;
  r.result = j.result;
  r.close_result = j.close_result;
  r.reason = j.reason;
  r.close_reason = j.close_reason;
  r.duration_ms = o.duration_us / 1000;
  r.expected = nlohmann::ordered_json::object();
  if (c.definition.is_object()) {
    for (const char* key : {"expect", "close", "finish", "quiet_ms", "handshake", "timeout_ms"}) {
      if (c.definition.contains(key)) r.expected[key] = c.definition[key];
    }
  }
  r.wirelog = std::move(o.wirelog);
  r.wirelog_dropped = o.wirelog_dropped;
  o.wirelog.clear();
  r.observed = describe(o);
  return r;
}

void probe_target(const script_options& options) {
  asio::io_context io;
  std::exception_ptr failure;
  net::connect_options co;
  co.timeout = std::min<clock::duration>(options.timeout, std::chrono::seconds(5));
  co.tls = options.tls;
  asio::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        auto stream = co_await net::connect(options.url, co);
        stream->close();
      },
      [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

namespace {

// A rough cost of a case in ms: its pauses and its payload volume. Long cases start first so
// that they overlap the many short ones instead of ending the run alone.
std::uint64_t estimated_cost(const std::vector<cases::step>& steps) {
  std::uint64_t cost = 0;
  for (const cases::step& s : steps) {
    if (const auto* p = std::get_if<cases::pause_step>(&s)) {
      cost += p->ms;
    } else if (const auto* f = std::get_if<cases::send_frame_step>(&s)) {
      cost += f->payload.size() / 20000 +
              (f->declared_length.value_or(0) > f->payload.size() ? 1000 : 0);
    } else if (const auto* m = std::get_if<cases::send_message_step>(&s)) {
      cost += m->payload.size() / 20000;
    } else if (const auto* r = std::get_if<cases::repeat_step>(&s)) {
      cost += r->count * (1 + estimated_cost(r->steps));
    }
  }
  return cost;
}

}  // namespace

server_run_result run_test_server(const std::vector<cases::test_case>& all,
                                  const server_run_options& options) {
  server_run_result out;
  const auto started = clock::now();
  std::vector<std::optional<report::case_result>> slots(all.size());
  std::vector<std::size_t> order(all.size());
  std::vector<std::uint64_t> cost(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    order[i] = i;
    cost[i] = estimated_cost(all[i].steps);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  progress p;
  p.total = all.size();

  auto worker = [&]() {
    asio::io_context io;
    asio::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
          for (;;) {
            if (options.stop && options.stop->load()) co_return;
            const std::size_t k = next.fetch_add(1);
            if (k >= all.size()) co_return;
            const std::size_t i = order[k];
            observation o = co_await run_case_script(all[i], options.script);
            report::case_result r = make_case_result(all[i], std::move(o));
            std::lock_guard lock(progress_mutex);
            slots[i] = std::move(r);
            ++p.done;
            if (slots[i]->result == cases::verdict::failed) ++p.failed;
            p.elapsed = clock::now() - started;
            p.last = &*slots[i];
            if (options.on_progress) options.on_progress(p);
          }
        },
        asio::detached);
    io.run();
  };

  const std::size_t jobs = std::max<std::size_t>(1, std::min(options.jobs, all.size()));
  std::vector<std::thread> threads;
  for (std::size_t k = 1; k < jobs; ++k) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();

  for (auto& s : slots) {
    if (s) {
      out.results.push_back(std::move(*s));
    } else {
      ++out.not_run;
    }
  }
  out.interrupted = out.not_run > 0;
  out.elapsed = clock::now() - started;
  return out;
}

}  // namespace wsprobe::run
