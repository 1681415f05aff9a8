#include "harness/report/json_report.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace wsprobe::report {

using ojson = nlohmann::ordered_json;

ojson as_json(const byte_digest& digest) {
  ojson j;
  j["length"] = digest.length;
  if (digest.elided()) {
    j["sha256"] = digest.sha256;
  } else {
    j["hex"] = to_hex(digest.bytes);
  }
  return j;
}

ojson as_json(const wirelog_entry& entry) {
  ojson j;
  j["t_us"] = entry.t_us;
  j["dir"] = entry.dir == wirelog_entry::direction::out ? "out" : "in";
  switch (entry.what) {
    case wirelog_entry::kind::frame:
      j["kind"] = "frame";
      break;
    case wirelog_entry::kind::raw:
      j["kind"] = "raw";
      break;
    case wirelog_entry::kind::http:
      j["kind"] = "http";
      break;
  }
  if (entry.frame) {
    const frame_fields& f = *entry.frame;
    j["fin"] = f.fin;
    // The three RSV bits as the header holds them: RSV1 = 4, RSV2 = 2, RSV3 = 1.
    j["rsv"] = (f.rsv1 ? 4 : 0) | (f.rsv2 ? 2 : 0) | (f.rsv3 ? 1 : 0);
    j["opcode"] = f.opcode;
    j["masked"] = f.masked;
    j["length"] = f.length;
  }
  j["bytes"] = as_json(entry.data);
  return j;
}

ojson as_json(const case_result& r) {
  ojson j;
  j["case"] = r.id;
  j["autobahn"] = r.autobahn ? ojson(*r.autobahn) : ojson(nullptr);
  j["area"] = r.area;
  j["transport"] = r.transport;
  j["verdict"] = verdict_name(r.result);
  j["close_verdict"] = verdict_name(r.close_result);
  j["duration_ms"] = r.duration_ms;
  j["expected"] = r.expected;
  ojson observed = r.observed.is_object() ? r.observed : ojson::object();
  observed["reason"] = r.reason;
  observed["close_verdict_reason"] = r.close_reason;
  j["observed"] = std::move(observed);
  ojson log = ojson::array();
  for (const wirelog_entry& e : r.wirelog) log.push_back(as_json(e));
  j["wirelog"] = std::move(log);
  if (r.wirelog_dropped > 0) j["wirelog_dropped"] = r.wirelog_dropped;
  j["rfc"] = r.rfc;
  j["title"] = r.title;
  j["requirement"] = r.requirement;
  return j;
}

ojson as_json(const summary& s) {
  ojson j;
  j["total"] = s.total;
  for (verdict v : all_verdicts) j[std::string(verdict_name(v))] = s.count(v);
  return j;
}

ojson as_json(const run_report& report) {
  ojson j;
  j["schema"] = report_schema;
  j["tool"] = {{"name", "wsprobe"}, {"version", report.tool_version}};
  j["mode"] = report.mode;
  j["target"] = {{"url", report.url}, {"agent", report.agent}};
  j["started_at"] = iso8601_utc(report.started_at);
  j["duration_ms"] = report.duration_ms;
  ojson s = as_json(summarize(report.results));
  if (report.interrupted) {
    s["interrupted"] = true;
    s["not_run"] = report.not_run;
  }
  j["summary"] = std::move(s);
  ojson results = ojson::array();
  for (const case_result& r : report.results) results.push_back(as_json(r));
  j["results"] = std::move(results);
  return j;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write '" + tmp.string() + "'");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw std::runtime_error("cannot write '" + tmp.string() + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw std::runtime_error("cannot write '" + path.string() + "': " + ec.message());
  }
}

std::filesystem::path write_json_report(const run_report& report,
                                        const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create '" + dir.string() + "': " + ec.message());
  const std::filesystem::path path = dir / "index.json";
  // error_handler::replace: a reason or payload with invalid UTF-8 must not stop the report.
  write_file_atomically(
      path, as_json(report).dump(1, ' ', false, ojson::error_handler_t::replace) + "\n");
  return path;
}

}  // namespace wsprobe::report
