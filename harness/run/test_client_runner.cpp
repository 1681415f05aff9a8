#include "harness/run/test_client_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "harness/net/conn.hpp"
#include "harness/net/http_exchange.hpp"
#include "harness/net/listener.hpp"
#include "harness/net/tcp_stream.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/report/json_report.hpp"
#include "harness/run/server_response.hpp"
#include "harness/run/test_server_runner.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::run {

namespace asio = boost::asio;
using asio::ip::tcp;
using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string* request_target::find(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

request_target parse_request_target(std::string_view target) {
  request_target t;
  const std::size_t q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    const std::size_t eq = item.find('=');
    if (!item.empty()) {
      t.query.emplace_back(percent_decode(item.substr(0, eq)),
                           eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return t;
}

std::optional<std::size_t> case_index_for(const request_target& t,
                                          const std::vector<cases::test_case>& cases) {
  if (const std::string* n = t.find("case")) {
    if (n->empty() || n->size() > 9 ||
        !std::all_of(n->begin(), n->end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return std::nullopt;
    }
    const std::size_t i = std::stoul(*n);
    if (i < 1 || i > cases.size()) return std::nullopt;
    return i - 1;
  }
  if (const std::string* tuple = t.find("casetuple")) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (cases[i].autobahn == *tuple || cases[i].id == *tuple) return i;
    }
  }
  return std::nullopt;
}

namespace {

struct agent_state {
  std::map<std::size_t, report::case_result> results;
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
  clock::time_point started = clock::now();
  std::size_t in_flight = 0;
};

// A case that waits for the client to come back (retry, redirect) after its connection ended.
struct watch {
  std::string runcase_path;   // path+query of the case's own connection
  std::string follow_prefix;  // "/followed/<n>"
  std::string hit;            // "retried" / "followed"
};

std::string tail_of_file(const std::string& path, std::size_t max) {
  std::ifstream in(path, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all.size() > max) all.erase(0, all.size() - max);
  return all;
}

// The same bytes again (a full suite's report is megabytes: not serialized twice), through a
// temporary file renamed into place, as report::write_file_atomically does.
void copy_file_atomically(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to.parent_path());
  std::filesystem::path tmp = to;
  tmp += ".tmp." + std::to_string(::getpid());
  std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(tmp, to);
}

class client_runner {
 public:
  client_runner(const std::vector<cases::test_case>& cases, const client_run_options& opt)
      : cases_(cases), opt_(opt), acceptor_(io_.get_executor()) {}

  client_run_result run() {
    acceptor_ = net::open_listener(io_.get_executor(), opt_.host, opt_.port);
    if (opt_.tls) tls_context_ = net::make_server_tls_context(opt_.tls_options);
    url_ = net::listen_url(acceptor_, opt_.tls);
    base_ = url_.substr(0, url_.size() - 1);  // without the trailing "/"
    if (opt_.on_listening) opt_.on_listening(url_);
    asio::co_spawn(io_, accept_loop(), asio::detached);
    asio::co_spawn(io_, watch_stop(), asio::detached);
    std::thread io_thread([this] { io_.run(); });
    if (!opt_.spawn.empty()) {
      run_spawned();
      finish_io();
    }
    io_thread.join();
    std::lock_guard lock(mutex_);
    if (opt_.spawn.empty() && (opt_.stop && opt_.stop->load())) result_.interrupted = true;
    return std::move(result_);
  }

 private:
  void finish_io() {
    asio::post(io_, [this] {
      done_ = true;
      boost::system::error_code ec;
      acceptor_.close(ec);
      io_.stop();
    });
  }

  net::awaitable<void> watch_stop() {
    asio::steady_timer t(io_.get_executor());
    while (!done_) {
      t.expires_after(milliseconds(100));
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (opt_.stop && opt_.stop->load()) {
        {
          std::lock_guard lock(mutex_);
          result_.interrupted = true;
          // Reports of agents that have results but did not ask yet.
          for (auto& [agent, st] : agents_) {
            if (!st.results.empty() && !reported_.count(agent)) write_report_locked(agent, st);
          }
        }
        done_ = true;
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        io_.stop();
      }
    }
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket(io_.get_executor());
      co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (done_ || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      asio::co_spawn(io_, handle(std::move(socket)), asio::detached);
    }
  }

  net::awaitable<void> handle(tcp::socket socket) {
    try {
      std::unique_ptr<net::byte_stream> stream;
      if (tls_context_) {
        stream = co_await net::accept_tls(std::move(socket), tls_context_, std::chrono::seconds(5));
      } else {
        stream = std::make_unique<net::tcp_stream>(std::move(socket));
      }
      auto c = std::make_unique<net::conn>(std::move(stream));
      net::http_request_result req = co_await net::read_http_request(*c, opt_.script.timeout);
      if (req.status != net::read_status::ok) co_return;
      const request_target t = parse_request_target(req.request.target);
      // A client coming back after a case's response: a retry or a followed redirect.
      for (watch* w : watches_) {
        if (w->hit.empty() && req.request.target.starts_with(w->follow_prefix)) {
          w->hit = "followed";
          co_await reply_http(*c, 410);
          co_return;
        }
        if (w->hit.empty() && req.request.target == w->runcase_path) {
          w->hit = "retried";
          co_await reply_http(*c, 410);
          co_return;
        }
      }
      const std::string* agent_arg = t.find("agent");
      const std::string agent = agent_arg && !agent_arg->empty() ? *agent_arg : opt_.agent;
      if (t.path == "/runCase") {
        const std::optional<std::size_t> i = case_index_for(t, cases_);
        if (!i) {
          co_await reply_http(*c, 404);
          co_return;
        }
        co_await run_case(std::move(c), std::move(req), *i, agent);
      } else if (t.path == "/getCaseCount") {
        co_await reply_message(*c, req.request, std::to_string(cases_.size()));
      } else if (t.path == "/getCaseInfo") {
        const std::optional<std::size_t> i = case_index_for(t, cases_);
        nlohmann::ordered_json j = nullptr;
        if (i) {
          const cases::test_case& tc = cases_[*i];
          j = {{"id", tc.autobahn.value_or(tc.id)},
               {"wsprobe_id", tc.id},
               {"description", tc.title}};
        }
        co_await reply_message(*c, req.request, j.dump());
      } else if (t.path == "/getCaseStatus") {
        const std::optional<std::size_t> i = case_index_for(t, cases_);
        nlohmann::ordered_json j = nullptr;
        if (i) {
          std::lock_guard lock(mutex_);
          auto& results = agents_[agent].results;
          if (auto it = results.find(*i); it != results.end()) {
            j = {{"behavior", cases::verdict_name(it->second.result)},
                 {"behaviorClose", cases::verdict_name(it->second.close_result)}};
          }
        }
        co_await reply_message(*c, req.request, j.dump());
      } else if (t.path == "/updateReports") {
        // Cases of this agent still running (watch windows) first.
        const auto until = clock::now() + std::chrono::seconds(10);
        asio::steady_timer timer(io_.get_executor());
        while (clock::now() < until) {
          {
            std::lock_guard lock(mutex_);
            if (agents_[agent].in_flight == 0) break;
          }
          timer.expires_after(milliseconds(20));
          boost::system::error_code ec;
          co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        bool stop = false;
        {
          std::lock_guard lock(mutex_);
          write_report_locked(agent, agents_[agent]);
          reported_.insert(agent);
          ++reports_;
          stop = opt_.exit_after_reports > 0 && reports_ >= opt_.exit_after_reports;
        }
        co_await reply_message(*c, req.request, "");
        if (stop) finish_io();
      } else {
        co_await reply_http(*c, 404);
      }
    } catch (const std::exception& e) {
      // A client that breaks a control connection does not stop the run.
      (void)e;
    }
  }

  net::awaitable<void> reply_http(net::conn& c, unsigned status) {
    wire::http_response r;
    r.status = status;
    r.reason = std::string(wire::status_reason(status));
    r.headers.add("Content-Length", "0");
    r.headers.add("Connection", "close");
    const std::string head = wire::serialize(r);
    co_await c.write(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(head.data()), head.size()));
    co_await c.shutdown_send();
  }

  // A control endpoint: a 101, one text message (none when empty), a close, the client's close.
  net::awaitable<void> reply_message(net::conn& c, const wire::http_request& request,
                                     std::string text) {
    if (!request.headers.contains("Sec-WebSocket-Key")) {
      co_await reply_http(c, 400);
      co_return;
    }
    std::string out = wire::serialize(make_server_response({}, request, base_));
    std::vector<std::uint8_t> bytes(out.begin(), out.end());
    wire::frame_spec spec;
    if (!text.empty()) {
      spec.opcode = wire::opcode::text;
      wire::encode_frame(spec,
                         std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                         bytes);
    }
    spec.opcode = wire::opcode::close;
    const std::uint8_t normal[] = {0x03, 0xe8};
    wire::encode_frame(spec, normal, bytes);
    co_await c.write(bytes);
    const auto until = clock::now() + std::chrono::seconds(2);
    while (clock::now() < until) {
      net::read_result r = co_await c.read(until - clock::now());
      if (r.status != net::read_status::ok) break;
      // Good enough: the client's close frame ends its part; we close TCP first (§7.1.1).
      if (!r.bytes.empty() && (r.bytes[0] & 0x0f) == 0x8) break;
    }
    c.close();
  }

  net::awaitable<void> run_case(std::unique_ptr<net::conn> c, net::http_request_result req,
                                std::size_t index, std::string agent) {
    {
      std::lock_guard lock(mutex_);
      ++agents_[agent].in_flight;
    }
    const cases::test_case& tc = cases_[index];
    const std::string runcase_target = req.request.target;
    server_side side;
    side.conn = std::move(c);
    side.request = std::move(req.request);
    side.raw_request = std::move(req.raw);
    side.location_url = base_ + "/followed/" + std::to_string(index + 1);
    const std::string* key = side.request.headers.find("Sec-WebSocket-Key");
    std::string reused;
    if (key) {
      std::lock_guard lock(mutex_);
      if (!keys_.insert(*key).second) reused = *key;
    }
    observation o = co_await run_case_as_server(tc, opt_.script, std::move(side));
    if (!reused.empty() && o.request_problem.empty()) {
      o.request_problem = "Sec-WebSocket-Key " + reused +
                          " was used before (RFC 6455 §4.1: a fresh random key per connection)";
    }
    // Watch for the client coming back after a changed response it did not take.
    if (tc.handshake.response.given && o.client_action != "proceeded") {
      watch w;
      w.runcase_path = runcase_target;
      w.follow_prefix = "/followed/" + std::to_string(index + 1);
      watches_.push_back(&w);
      asio::steady_timer timer(io_.get_executor());
      const auto until = clock::now() + opt_.watch;
      while (w.hit.empty() && clock::now() < until && !done_) {
        timer.expires_after(milliseconds(10));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      std::erase(watches_, &w);
      if (!w.hit.empty()) o.client_action = w.hit;
    }
    report::case_result r = make_case_result(tc, std::move(o));
    {
      std::lock_guard lock(mutex_);
      agent_state& st = agents_[agent];
      --st.in_flight;
      if (opt_.on_case) opt_.on_case(agent, index, cases_.size(), r);
      st.results[index] = std::move(r);
    }
    cv_.notify_all();
  }

  void write_report_locked(const std::string& agent, const agent_state& st) {
    report::run_report rep;
    rep.mode = "test-client";
    rep.tool_version = opt_.tool_version;
    rep.url = url_;
    rep.agent = agent;
    rep.started_at = st.started_at;
    rep.duration_ms = std::chrono::duration_cast<milliseconds>(clock::now() - st.started).count();
    for (const auto& [i, r] : st.results) rep.results.push_back(r);
    rep.not_run = cases_.size() - rep.results.size();
    const std::filesystem::path written = report::write_json_report(rep, opt_.report_dir);
    result_.written.push_back(written);
    // Every agent's report also stays in its own folder, so several agents can be compared.
    std::string safe;
    for (char ch : agent)
      safe += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'
                  ? ch
                  : '_';
    if (safe.empty() || safe == "." || safe == "..") safe = "agent";
    copy_file_atomically(written, opt_.report_dir / "agents" / safe / "index.json");
    std::erase_if(result_.reports, [&](const report::run_report& x) { return x.agent == agent; });
    result_.reports.push_back(std::move(rep));
  }

  // --- spawn mode ----------------------------------------------------------------------------

  struct process_outcome {
    int exit_code = -1;
    int signal = 0;
    bool killed = false;
    std::string stderr_tail;
  };

  void run_spawned() {
    const std::string agent = opt_.agent;
    const auto case_budget = [&](const cases::test_case& tc) {
      const milliseconds t = tc.timeout_ms ? milliseconds(*tc.timeout_ms) : opt_.script.timeout;
      return t + opt_.script.close_timeout + opt_.script.window + opt_.watch +
             std::chrono::seconds(2);
    };
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      if (opt_.stop && opt_.stop->load()) break;
      const std::string url = url_ + "runCase?case=" + std::to_string(i + 1) + "&agent=" + agent;
      // Shell-quoted: the URL holds '&' and '?'.
      const std::string quoted = "'" + url + "'";
      std::string command = opt_.spawn;
      for (std::size_t at = command.find("{url}"); at != std::string::npos;
           at = command.find("{url}", at + quoted.size())) {
        command.replace(at, 5, quoted);
      }
      char err_path[] = "/tmp/wsprobe-client-stderr-XXXXXX";
      const int err_fd = ::mkstemp(err_path);
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::setpgid(0, 0);
        const int null_fd = ::open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
          ::dup2(null_fd, STDIN_FILENO);
          ::dup2(null_fd, STDOUT_FILENO);
        }
        if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      }
      if (err_fd >= 0) ::close(err_fd);
      process_outcome p;
      const auto deadline = clock::now() + case_budget(cases_[i]);
      bool judged = false;
      {
        std::unique_lock lock(mutex_);
        judged = cv_.wait_until(lock, deadline, [&] {
          return agents_[agent].results.count(i) > 0 || (opt_.stop && opt_.stop->load());
        });
        judged = agents_[agent].results.count(i) > 0;
      }
      if (pid > 0) {
        // A moment to exit on its own, then killed by its process group (its PID).
        int status = 0;
        pid_t waited = 0;
        const auto grace = clock::now() + milliseconds(judged ? 300 : 0);
        while ((waited = ::waitpid(pid, &status, WNOHANG)) == 0 && clock::now() < grace) {
          std::this_thread::sleep_for(milliseconds(5));
        }
        if (waited == 0) {
          ::kill(-pid, SIGKILL);
          ::kill(pid, SIGKILL);
          p.killed = true;
          waited = ::waitpid(pid, &status, 0);
        }
        if (waited == pid) {
          if (WIFEXITED(status)) p.exit_code = WEXITSTATUS(status);
          if (WIFSIGNALED(status)) p.signal = WTERMSIG(status);
        }
        ::kill(-pid, SIGKILL);  // whatever it left behind in its process group
      }
      p.stderr_tail = tail_of_file(err_path, 4096);
      ::unlink(err_path);
      std::unique_lock lock(mutex_);
      agent_state& st = agents_[agent];
      if (!judged) {
        // It never connected (or its case is still running past every deadline).
        cv_.wait_until(lock, clock::now() + milliseconds(500),
                       [&] { return st.results.count(i) > 0; });
        if (st.results.count(i) == 0) {
          observation o;
          o.as_server = true;
          o.connect_error =
              "the client did not send the case's opening handshake before the deadline";
          report::case_result r = make_case_result(cases_[i], std::move(o));
          if (opt_.on_case) opt_.on_case(agent, i, cases_.size(), r);
          st.results[i] = std::move(r);
        }
      }
      nlohmann::ordered_json proc = {
          {"command", command},
          {"exit_code", p.exit_code >= 0 ? nlohmann::ordered_json(p.exit_code)
                                         : nlohmann::ordered_json(nullptr)},
          {"signal", p.signal},
          {"killed_at_deadline", p.killed},
          {"stderr_tail", p.stderr_tail}};
      st.results[i].observed["client_process"] = std::move(proc);
    }
    std::lock_guard lock(mutex_);
    write_report_locked(agent, agents_[agent]);
    if (opt_.stop && opt_.stop->load()) result_.interrupted = true;
  }

  const std::vector<cases::test_case>& cases_;
  const client_run_options& opt_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::shared_ptr<asio::ssl::context> tls_context_;
  std::string url_;
  std::string base_;
  std::atomic<bool> done_{false};
  std::vector<watch*> watches_;  // io thread only

  std::mutex mutex_;  // agents_, keys_, result_, reports_
  std::condition_variable cv_;
  std::map<std::string, agent_state> agents_;
  std::set<std::string> reported_;
  std::set<std::string> keys_;
  std::size_t reports_ = 0;
  client_run_result result_;
};

}  // namespace

client_run_result run_test_client(const std::vector<cases::test_case>& cases,
                                  const client_run_options& options) {
  client_runner runner(cases, options);
  return runner.run();
}

}  // namespace wsprobe::run
