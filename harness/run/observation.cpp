#include "harness/run/observation.hpp"

#include <algorithm>

#include "harness/report/json_report.hpp"
#include "harness/wire/frame.hpp"
#include "harness/wire/utf8.hpp"

namespace wsprobe::run {

using ojson = nlohmann::ordered_json;

const char* to_string(close_initiator c) {
  switch (c) {
    case close_initiator::us:
      return "us";
    case close_initiator::peer:
      return "peer";
    case close_initiator::none:
      break;
  }
  return "none";
}

std::size_t observation::messages_received() const {
  return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(),
      [](const received_event& e) { return e.what == received_event::kind::message; }));
}

std::size_t observation::pongs_received() const {
  return events.size() - messages_received();
}

namespace {

ojson payload_json(const std::vector<std::uint8_t>& payload) {
  ojson j = report::as_json(report::digest_bytes(payload));
  // Short valid text is easier to read as text.
  if (!j.contains("sha256") && wire::is_valid_utf8(payload)) {
    j["text"] = std::string(payload.begin(), payload.end());
  }
  return j;
}

}  // namespace

ojson describe(const observation& o) {
  ojson j;
  j["connected"] = o.connected;
  if (!o.connect_error.empty()) j["connect_error"] = o.connect_error;
  if (o.connected) {
    ojson hs;
    hs["status"] = o.response_received ? ojson(o.status) : ojson(nullptr);
    ojson headers = ojson::array();
    for (const wire::http_header& h : o.response_headers.fields) {
      headers.push_back(ojson::array({h.name, h.value}));
    }
    hs["headers"] = std::move(headers);
    hs["subprotocol"] = o.subprotocol ? ojson(*o.subprotocol) : ojson(nullptr);
    if (!o.handshake_error.empty()) hs["error"] = o.handshake_error;
    j["handshake"] = std::move(hs);
  }
  if (o.upgraded) {
    j["messages_sent"] = o.sent.size();
    j["pings_sent"] = o.pings_sent;
    ojson events = ojson::array();
    for (const received_event& e : o.events) {
      ojson ev;
      if (e.what == received_event::kind::message) {
        ev["type"] = "message";
        ev["opcode"] = std::string(wire::opcode_name(e.opcode));
        ev["frames"] = e.frames;
      } else {
        ev["type"] = "pong";
      }
      ev["payload"] = payload_json(e.payload);
      ev["t_us"] = e.t_us;
      events.push_back(std::move(ev));
    }
    j["events"] = std::move(events);
    if (o.events_not_recorded > 0) j["events_not_recorded"] = o.events_not_recorded;
    j["pings_received"] = o.pings_received;
    ojson close;
    close["initiator"] = to_string(o.initiator);
    close["received"] = o.close_received;
    if (o.close_received) {
      close["code"] = o.close_code ? ojson(*o.close_code) : ojson(nullptr);
      close["reason"] = o.close_reason;
      if (!o.close_payload_error.empty()) close["payload_error"] = o.close_payload_error;
    }
    close["sent"] = o.close_sent;
    if (o.sent_close_code) close["sent_code"] = *o.sent_close_code;
    close["peer_closed_tcp"] = o.peer_closed_tcp;
    if (o.tcp_reset) close["tcp_error"] = o.tcp_error;
    if (o.close_reply_missing) close["reply_missing"] = true;
    if (o.tcp_close_missing) close["tcp_close_missing"] = true;
    close["clean"] = o.close_sent && o.close_received && o.peer_closed_tcp && !o.tcp_reset &&
                     !o.tcp_close_missing;
    if (o.peer_closed_at_us >= 0) close["peer_closed_at_us"] = o.peer_closed_at_us;
    j["close"] = std::move(close);
  }
  if (o.fail_fast_checked) {
    j["fail_fast"] = {{"met", !o.fail_fast_missed}, {"detail", o.fail_fast_detail}};
  }
  if (o.as_server) {
    ojson req = ojson::object();
    req["method"] = o.request_method;
    req["target"] = o.request_target;
    req["version"] = o.request_version;
    ojson headers = ojson::object();
    for (const wire::http_header& h : o.request_headers.fields) {
      if (headers.contains(h.name)) {
        headers[h.name] = headers[h.name].get<std::string>() + ", " + h.value;
      } else {
        headers[h.name] = h.value;
      }
    }
    req["headers"] = std::move(headers);
    if (const std::string* origin = o.request_headers.find("Origin")) req["origin"] = *origin;
    if (const std::string* ext = o.request_headers.find("Sec-WebSocket-Extensions")) {
      req["extensions_offered"] = *ext;
    }
    if (!o.request_problem.empty()) req["problem"] = o.request_problem;
    j["request"] = std::move(req);
    ojson keys = ojson::array();
    for (const auto& k : o.mask_keys) {
      static const char* digits = "0123456789abcdef";
      std::string hex;
      for (std::uint8_t b : k) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
      }
      keys.push_back(hex);
    }
    j["client_frames"] = o.client_frames;
    j["mask_keys"] = std::move(keys);
    if (!o.client_action.empty()) j["client_action"] = o.client_action;
    if (o.client_closed_tcp_first) j["client_closed_tcp_first"] = true;
  }
  if (!o.peer_violation.empty()) j["peer_violation"] = o.peer_violation;
  if (o.timed_out) j["timeout"] = o.timeout_detail;
  if (!o.internal_error.empty()) j["runner_error"] = o.internal_error;
  if (o.events_wait_expired) j["events_wait_expired"] = true;
  j["connect_us"] = o.connect_us;
  j["handshake_us"] = o.handshake_us;
  return j;
}

}  // namespace wsprobe::run
