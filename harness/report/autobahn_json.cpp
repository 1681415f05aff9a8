#include "harness/report/autobahn_json.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

// Autobahn's remoteCloseCode: the code of the peer's close frame, null when it sent none (or an
// empty one).
ojson remote_close_code(const case_result& r) {
  const ojson& o = r.observed;
  if (!o.is_object() || !o.contains("close")) return nullptr;
  const ojson& c = o["close"];
  if (!c.value("received", false) || !c.contains("code") || !c["code"].is_number()) return nullptr;
  return c["code"];
}

ojson close_field(const case_result& r, const char* key) {
  const ojson& o = r.observed;
  if (!o.is_object() || !o.contains("close") || !o["close"].contains(key)) return nullptr;
  return o["close"][key];
}

std::string dump(const ojson& j) {
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace

std::string autobahn_agent_slug(std::string_view agent) {
  std::string s;
  for (char c : agent) {
    const unsigned char u = static_cast<unsigned char>(c);
    s += std::isalnum(u) && u < 0x80 ? static_cast<char>(std::tolower(u)) : '_';
  }
  return s;
}

std::string autobahn_report_file(std::string_view agent, std::string_view autobahn_id) {
  std::string id(autobahn_id);
  std::replace(id.begin(), id.end(), '.', '_');
  return autobahn_agent_slug(agent) + "_case_" + id + ".json";
}

namespace {

// The case of the run that stands for each Autobahn id: the worst verdict, the first one of it.
std::vector<std::pair<std::string, const case_result*>> representatives(const run_report& report) {
  std::map<std::string, const case_result*> chosen;
  for (const case_result& r : report.results) {
    if (!r.autobahn || r.autobahn->empty()) continue;
    const case_result*& slot = chosen[*r.autobahn];
    if (slot == nullptr || r.result > slot->result) slot = &r;
  }
  // Ids in text order, as Autobahn writes its index ("1.1.1" < "10.1.1" < "2.1").
  return {chosen.begin(), chosen.end()};
}

}  // namespace

ojson autobahn_index(const run_report& report) {
  ojson cases = ojson::object();
  for (const auto& [id, r] : representatives(report)) {
    ojson e;
    e["behavior"] = std::string(verdict_name(r->result));
    e["behaviorClose"] = std::string(verdict_name(r->close_result));
    e["duration"] = r->duration_ms;
    e["remoteCloseCode"] = remote_close_code(*r);
    e["reportfile"] = autobahn_report_file(report.agent, id);
    cases[id] = std::move(e);
  }
  ojson index = ojson::object();
  index[report.agent] = std::move(cases);
  return index;
}

ojson autobahn_case_report(const run_report& report, const case_result& r,
                           std::size_t case_number) {
  ojson j;
  j["agent"] = report.agent;
  j["behavior"] = std::string(verdict_name(r.result));
  j["behaviorClose"] = std::string(verdict_name(r.close_result));
  j["case"] = case_number;
  const ojson initiator = close_field(r, "initiator");
  j["closedByMe"] = initiator == "us";
  j["description"] = r.title;
  j["duration"] = r.duration_ms;
  std::string expectation = r.requirement;
  if (!r.expected.empty()) {
    if (!expectation.empty()) expectation += " ";
    expectation += "Expected: " + dump(r.expected);
  }
  j["expectation"] = expectation;
  j["expected"] = r.expected;
  j["id"] = r.autobahn.value_or("");
  j["isServer"] = false;  // the testee is a server; we played the client
  j["localCloseCode"] = close_field(r, "sent_code");
  j["remoteCloseCode"] = remote_close_code(r);
  j["remoteCloseReason"] = close_field(r, "reason");
  j["reportfile"] = autobahn_report_file(report.agent, r.autobahn.value_or(""));
  j["result"] =
      r.reason.empty() ? std::string("Actual events match the expected events.") : r.reason;
  j["resultClose"] =
      r.close_reason.empty() ? std::string("Connection was properly closed") : r.close_reason;
  j["started"] = iso8601_utc(report.started_at);
  j["wasClean"] = close_field(r, "clean");
  // Where this came from: the wsprobe case, its transport, and what we observed.
  j["wsprobe"] = {{"case", r.id}, {"transport", r.transport}, {"observed", r.observed}};
  return j;
}

std::size_t write_autobahn_json(const run_report& report, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir.string() + ": " + ec.message());
  const auto reps = representatives(report);
  std::size_t n = 0;
  for (const auto& [id, r] : reps) {
    write_file_atomically(
        dir / autobahn_report_file(report.agent, id),
        autobahn_case_report(report, *r, ++n).dump(2, ' ', false, ojson::error_handler_t::replace) +
            "\n");
  }
  write_file_atomically(
      dir / "index.json",
      autobahn_index(report).dump(2, ' ', false, ojson::error_handler_t::replace) + "\n");
  return n;
}

}  // namespace wsprobe::report
