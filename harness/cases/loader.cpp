#include "harness/cases/loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
#include <span>
#include <sstream>

#include "harness/cases/field_error.hpp"
#include "harness/cases/matrix.hpp"
#include "harness/wire/base64.hpp"

namespace wsprobe::cases {

using json = nlohmann::ordered_json;

namespace {

// Generated payloads are lazy, but a runner will hold one in memory: keep them sane.
constexpr std::uint64_t max_generated_payload = 256ull << 20;
constexpr int max_depth = 64;

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string type_of(const json& j) {
  if (j.is_number_integer()) return "integer";
  if (j.is_number_float()) return "number";
  return j.type_name();
}

[[noreturn]] void wrong_type(const std::string& path, std::string_view expected, const json& j) {
  throw field_error{path, "expected " + std::string(expected) + ", found " + type_of(j)};
}

// A JSON object whose fields are all known: unknown ones are reported as soon as it is opened.
class object_reader {
 public:
  object_reader(const json& j, std::string path, std::initializer_list<std::string_view> known)
      : object_reader(j, std::move(path),
                      std::span<const std::string_view>(known.begin(), known.size())) {}
  object_reader(const json& j, std::string path, std::span<const std::string_view> known)
      : j_(j), path_(std::move(path)) {
    if (!j.is_object()) wrong_type(path_, "an object", j);
    for (const auto& [key, value] : j.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        throw field_error{join_path(path_, key), "unknown field"};
      }
    }
  }

  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return join_path(path_, key); }
  bool has(std::string_view key) const { return j_.contains(std::string(key)); }
  const json* find(std::string_view key) const {
    auto it = j_.find(std::string(key));
    return it == j_.end() ? nullptr : &*it;
  }
  const json& require(std::string_view key) const {
    const json* v = find(key);
    if (!v) throw field_error{path(key), "missing required field"};
    return *v;
  }

 private:
  const json& j_;
  std::string path_;
};

std::string as_string(const json& j, const std::string& path) {
  if (!j.is_string()) wrong_type(path, "a string", j);
  return j.get<std::string>();
}

bool as_bool(const json& j, const std::string& path) {
  if (!j.is_boolean()) wrong_type(path, "true or false", j);
  return j.get<bool>();
}

std::uint64_t as_uint(const json& j, const std::string& path, std::uint64_t max) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > max)
      throw field_error{path, std::to_string(v) + " is above the limit " + std::to_string(max)};
    return v;
  }
  if (j.is_number_integer()) throw field_error{path, "must not be negative"};
  wrong_type(path, "a non-negative integer", j);
}

std::string str_field(const object_reader& o, std::string_view key, std::string fallback = {}) {
  const json* v = o.find(key);
  return v ? as_string(*v, o.path(key)) : fallback;
}

bool bool_field(const object_reader& o, std::string_view key, bool fallback) {
  const json* v = o.find(key);
  return v ? as_bool(*v, o.path(key)) : fallback;
}

std::uint64_t uint_field(const object_reader& o, std::string_view key, std::uint64_t fallback,
                         std::uint64_t max) {
  const json* v = o.find(key);
  return v ? as_uint(*v, o.path(key), max) : fallback;
}

const json& list_field(const object_reader& o, std::string_view key, bool required) {
  static const json empty = json::array();
  const json* v = required ? &o.require(key) : o.find(key);
  if (!v) return empty;
  if (!v->is_array()) wrong_type(o.path(key), "a list", *v);
  return *v;
}

std::vector<std::string> string_list(const json& list, const std::string& path) {
  if (!list.is_array()) wrong_type(path, "a list", list);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(as_string(list[i], index_path(path, i)));
  return out;
}

// Payloads ----------------------------------------------------------------------------------

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::uint8_t> parse_hex(const std::string& text, const std::string& path) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    const int d = hex_digit(c);
    if (d < 0) {
      throw field_error{path, "bad hex: " + in_quotes(std::string(1, c)) + " at position " +
                                  std::to_string(i) + " is not a hex digit"};
    }
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | d));
      high = -1;
    }
  }
  if (high >= 0) throw field_error{path, "bad hex: odd number of hex digits"};
  return out;
}

payload_spec parse_payload(const json& j, const std::string& path) {
  if (j.is_string()) return payload_spec::text(j.get<std::string>());
  if (!j.is_object()) wrong_type(path, "a string or a payload object", j);
  static constexpr std::string_view forms[] = {"text",       "hex",    "base64", "repeat",
                                               "repeat_hex", "random", "concat"};
  std::vector<std::string_view> present;
  for (auto f : forms) {
    if (j.contains(std::string(f))) present.push_back(f);
  }
  if (present.size() != 1) {
    throw field_error{path, present.empty()
                                ? "a payload object needs one of text, hex, base64, repeat, "
                                  "repeat_hex, random, concat"
                                : "a payload object has one form, found " + in_quotes(present[0]) +
                                      " and " + in_quotes(present[1])};
  }
  const std::string_view form = present[0];
  if (form == "text") {
    object_reader o(j, path, {"text"});
    return payload_spec::text(as_string(o.require("text"), o.path("text")));
  }
  if (form == "hex") {
    object_reader o(j, path, {"hex"});
    return payload_spec::literal(
        parse_hex(as_string(o.require("hex"), o.path("hex")), o.path("hex")));
  }
  if (form == "base64") {
    object_reader o(j, path, {"base64"});
    const std::string text = as_string(o.require("base64"), o.path("base64"));
    auto bytes = wire::base64_decode(text);
    if (!bytes) {
      throw field_error{o.path("base64"),
                        "bad base64: " + in_quotes(text) +
                            " is not standard padded base64 (RFC 4648 §4, no spaces)"};
    }
    return payload_spec::literal(std::move(*bytes));
  }
  if (form == "repeat" || form == "repeat_hex") {
    object_reader o(j, path, {form, "bytes"});
    const std::string unit_text = as_string(o.require(form), o.path(form));
    std::vector<std::uint8_t> unit =
        form == "repeat" ? std::vector<std::uint8_t>(unit_text.begin(), unit_text.end())
                         : parse_hex(unit_text, o.path(form));
    const std::uint64_t size = as_uint(o.require("bytes"), o.path("bytes"), max_generated_payload);
    if (unit.empty() && size > 0) throw field_error{o.path(form), "nothing to repeat"};
    return payload_spec::repeat(std::move(unit), size);
  }
  if (form == "random") {
    object_reader o(j, path, {"random", "seed"});
    const std::uint64_t size =
        as_uint(o.require("random"), o.path("random"), max_generated_payload);
    const std::uint64_t seed = uint_field(o, "seed", 0, UINT64_MAX);
    return payload_spec::random(size, seed);
  }
  object_reader o(j, path, {"concat"});
  const json& list = o.require("concat");
  if (!list.is_array()) wrong_type(o.path("concat"), "a list of payloads", list);
  std::vector<payload_spec> parts;
  for (std::size_t i = 0; i < list.size(); ++i) {
    parts.push_back(parse_payload(list[i], index_path(o.path("concat"), i)));
  }
  auto p = payload_spec::concat(std::move(parts));
  if (p.size() > max_generated_payload) {
    throw field_error{o.path("concat"), "payload of " + std::to_string(p.size()) +
                                            " bytes is above the limit " +
                                            std::to_string(max_generated_payload)};
  }
  return p;
}

payload_spec payload_field(const object_reader& o, std::string_view key, bool required) {
  const json* v = required ? &o.require(key) : o.find(key);
  return v ? parse_payload(*v, o.path(key)) : payload_spec{};
}

// Frame fields ------------------------------------------------------------------------------

std::uint8_t parse_opcode(const json& j, const std::string& path) {
  if (j.is_string()) {
    const auto name = j.get<std::string>();
    if (auto op = wire::opcode_from_name(name)) return *op;
    throw field_error{path, "unknown opcode " + in_quotes(name) +
                                " (continuation, text, binary, close, ping, pong or 0-15)"};
  }
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<std::uint64_t>() <= 15) {
      return static_cast<std::uint8_t>(j.get<std::uint64_t>());
    }
    throw field_error{path, "opcode " + j.dump() + " is not in 0-15"};
  }
  wrong_type(path, "an opcode name or a number 0-15", j);
}

mask_spec parse_mask(const object_reader& o) {
  mask_spec m;
  const json* v = o.find("mask");
  if (!v) return m;
  const std::string path = o.path("mask");
  const std::string text = as_string(*v, path);
  if (text == "auto") return m;
  if (text == "none") {
    m.mode = mask_mode::none;
    return m;
  }
  if (text == "random") {
    m.mode = mask_mode::random;
    return m;
  }
  if (text.size() == 8 &&
      std::all_of(text.begin(), text.end(), [](char c) { return hex_digit(c) >= 0; })) {
    m.mode = mask_mode::fixed;
    for (std::size_t i = 0; i < 4; ++i) {
      m.key[i] =
          static_cast<std::uint8_t>(hex_digit(text[2 * i]) << 4 | hex_digit(text[2 * i + 1]));
    }
    return m;
  }
  throw field_error{path,
                    "unknown mask " + in_quotes(text) + " (auto, none, random or 8 hex digits)"};
}

std::size_t chunk_field(const object_reader& o) {
  return static_cast<std::size_t>(uint_field(o, "chunk", 0, 1u << 30));
}

// `"flush": false` holds a step's bytes for the next step's write; a held step has no write of
// its own to cut into chunks.
bool flush_field(const object_reader& o, std::size_t chunk) {
  const bool flush = bool_field(o, "flush", true);
  if (!flush && chunk != 0) {
    throw field_error{o.path("flush"),
                      "a step with \"flush\": false is written with the next "
                      "step's bytes, so it takes no chunk"};
  }
  return flush;
}

wire::length_form parse_length_form(const object_reader& o) {
  const json* v = o.find("length_form");
  if (!v) return wire::length_form::minimal;
  const std::string path = o.path("length_form");
  std::string text;
  if (v->is_string()) {
    text = v->get<std::string>();
  } else if (v->is_number_unsigned()) {
    text = v->dump();
  } else {
    wrong_type(path, "\"minimal\", \"16\" or \"64\"", *v);
  }
  if (text == "minimal") return wire::length_form::minimal;
  if (text == "16") return wire::length_form::len16;
  if (text == "64") return wire::length_form::len64;
  throw field_error{path, "unknown length form " + in_quotes(text) + " (minimal, 16 or 64)"};
}

// Steps -------------------------------------------------------------------------------------

std::vector<step> parse_steps(const json& list, const std::string& path);

step parse_send_frame(const json& j, const std::string& path) {
  object_reader o(j, path,
                  {"opcode", "fin", "rsv1", "rsv2", "rsv3", "payload", "mask", "length_form",
                   "declared_length", "length_msb", "chunk", "flush"});
  send_frame_step s;
  s.opcode = parse_opcode(o.require("opcode"), o.path("opcode"));
  s.fin = bool_field(o, "fin", true);
  s.rsv1 = bool_field(o, "rsv1", false);
  s.rsv2 = bool_field(o, "rsv2", false);
  s.rsv3 = bool_field(o, "rsv3", false);
  s.payload = payload_field(o, "payload", false);
  s.mask = parse_mask(o);
  s.length_form = parse_length_form(o);
  if (const json* v = o.find("declared_length")) {
    s.declared_length = as_uint(*v, o.path("declared_length"), UINT64_MAX);
  }
  s.length_msb = bool_field(o, "length_msb", false);
  s.chunk = chunk_field(o);
  s.flush = flush_field(o, s.chunk);
  return s;
}

step parse_send_message(const json& j, const std::string& path) {
  object_reader o(j, path,
                  {"opcode", "payload", "fragment_size", "fragments", "mask", "chunk", "flush"});
  send_message_step s;
  s.opcode = parse_opcode(o.require("opcode"), o.path("opcode"));
  s.payload = payload_field(o, "payload", false);
  if (o.has("fragment_size") && o.has("fragments")) {
    throw field_error{o.path("fragments"), "give fragment_size or fragments, not both"};
  }
  if (o.has("fragment_size")) {
    s.fragment_size = as_uint(*o.find("fragment_size"), o.path("fragment_size"), UINT64_MAX);
    if (s.fragment_size == 0) throw field_error{o.path("fragment_size"), "must be at least 1"};
  }
  if (o.has("fragments")) {
    const json& list = list_field(o, "fragments", false);
    if (list.empty()) throw field_error{o.path("fragments"), "needs at least one size"};
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      s.fragments.push_back(
          as_uint(list[i], index_path(o.path("fragments"), i), max_generated_payload));
      total += s.fragments.back();
    }
    if (total != s.payload.size()) {
      throw field_error{o.path("fragments"), "fragments add up to " + std::to_string(total) +
                                                 " bytes, the payload has " +
                                                 std::to_string(s.payload.size())};
    }
  }
  s.mask = parse_mask(o);
  s.chunk = chunk_field(o);
  s.flush = flush_field(o, s.chunk);
  return s;
}

step parse_send_close(const json& j, const std::string& path) {
  object_reader o(j, path, {"code", "reason", "payload", "mask", "chunk", "flush"});
  send_close_step s;
  if (o.has("payload") && (o.has("code") || o.has("reason"))) {
    throw field_error{o.path("payload"), "give payload or code and reason, not both"};
  }
  if (o.has("reason") && !o.has("code")) {
    throw field_error{o.path("reason"), "a reason needs a code"};
  }
  if (o.has("code"))
    s.code = static_cast<std::uint16_t>(as_uint(*o.find("code"), o.path("code"), 65535));
  s.reason = str_field(o, "reason");
  if (o.has("payload")) s.payload = payload_field(o, "payload", true);
  s.mask = parse_mask(o);
  s.chunk = chunk_field(o);
  s.flush = flush_field(o, s.chunk);
  return s;
}

step parse_send_raw(const json& j, const std::string& path) {
  object_reader o(j, path, {"payload", "chunk", "flush"});
  send_raw_step s;
  s.payload = payload_field(o, "payload", true);
  s.chunk = chunk_field(o);
  s.flush = flush_field(o, s.chunk);
  return s;
}

step parse_pause(const json& j, const std::string& path) {
  object_reader o(j, path, {"ms"});
  return pause_step{static_cast<std::uint32_t>(as_uint(o.require("ms"), o.path("ms"), 2000))};
}

step parse_await(const json& j, const std::string& path) {
  await_step s;
  if (j.is_string()) {
    const auto what = j.get<std::string>();
    if (what == "echo") return s;
    if (what == "pong") {
      s.what = await_step::kind::pong;
      return s;
    }
    throw field_error{path, "unknown await " + in_quotes(what) +
                                " (\"echo\", \"pong\" or {\"messages\": N, \"pongs\": M})"};
  }
  if (!j.is_object()) wrong_type(path, "\"echo\", \"pong\" or an object", j);
  object_reader o(j, path, {"messages", "pongs"});
  if (!o.has("messages") && !o.has("pongs")) {
    throw field_error{path, "needs messages or pongs"};
  }
  s.what = await_step::kind::counts;
  s.messages = uint_field(o, "messages", 0, UINT32_MAX);
  s.pongs = uint_field(o, "pongs", 0, UINT32_MAX);
  return s;
}

step parse_expect_fail_fast(const json& j, const std::string& path) {
  object_reader o(j, path, {"window_ms"});
  return expect_fail_fast_step{static_cast<std::uint32_t>(uint_field(o, "window_ms", 200, 10000))};
}

step parse_repeat(const json& j, const std::string& path) {
  object_reader o(j, path, {"count", "steps"});
  repeat_step s;
  s.count = as_uint(o.require("count"), o.path("count"), 1000000);
  s.steps = parse_steps(list_field(o, "steps", true), o.path("steps"));
  return s;
}

step parse_step(const json& j, const std::string& path) {
  if (!j.is_object()) wrong_type(path, "a step object", j);
  if (j.size() != 1) {
    std::string keys;
    for (const auto& [key, value] : j.items()) keys += (keys.empty() ? "" : ", ") + in_quotes(key);
    throw field_error{path, "a step has exactly one key, found " + std::to_string(j.size()) +
                                (keys.empty() ? std::string() : " (" + keys + ")")};
  }
  const auto first = j.begin();
  const std::string key = first.key();
  const json& body = first.value();
  const std::string body_path = join_path(path, key);
  if (key == "send_frame") return parse_send_frame(body, body_path);
  if (key == "send_message") return parse_send_message(body, body_path);
  if (key == "send_close") return parse_send_close(body, body_path);
  if (key == "send_raw") return parse_send_raw(body, body_path);
  if (key == "pause") return parse_pause(body, body_path);
  if (key == "await") return parse_await(body, body_path);
  if (key == "expect_fail_fast") return parse_expect_fail_fast(body, body_path);
  if (key == "repeat") return parse_repeat(body, body_path);
  throw field_error{body_path, "unknown step kind " + in_quotes(key) +
                                   " (send_frame, send_message, send_close, send_raw, pause, "
                                   "await, expect_fail_fast, repeat)"};
}

std::vector<step> parse_steps(const json& list, const std::string& path) {
  std::vector<step> out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(parse_step(list[i], index_path(path, i)));
  return out;
}

// Expectations ------------------------------------------------------------------------------

std::vector<expected_event> parse_events(const json& list, const std::string& path) {
  if (!list.is_array()) wrong_type(path, "a list of events", list);
  std::vector<expected_event> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = index_path(path, i);
    const json& e = list[i];
    if (!e.is_object()) wrong_type(p, "an event object", e);
    if (e.size() != 1) {
      throw field_error{
          p, "an event has exactly one key (message or pong), found " + std::to_string(e.size())};
    }
    const auto first = e.begin();
    const std::string key = first.key();
    const json& body = first.value();
    const std::string body_path = join_path(p, key);
    expected_event ev;
    if (key == "message") {
      object_reader o(body, body_path, {"opcode", "payload"});
      ev.opcode = parse_opcode(o.require("opcode"), o.path("opcode"));
      if (ev.opcode != wire::opcode::text && ev.opcode != wire::opcode::binary) {
        throw field_error{o.path("opcode"), "a message is text or binary"};
      }
      ev.payload = payload_field(o, "payload", true);
    } else if (key == "pong") {
      object_reader o(body, body_path, {"payload"});
      ev.what = expected_event::kind::pong;
      ev.opcode = wire::opcode::pong;
      ev.payload = payload_field(o, "payload", false);
    } else {
      throw field_error{body_path, "unknown event " + in_quotes(key) + " (message or pong)"};
    }
    out.push_back(std::move(ev));
  }
  return out;
}

// `status`: codes (100-999) and classes ("4xx": any code 400-499).
void parse_status(const json& list, const std::string& path, outcome& out) {
  if (!list.is_array()) wrong_type(path, "a list of HTTP statuses", list);
  if (list.empty()) throw field_error{path, "needs at least one status"};
  out.status.clear();
  out.status_given = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = index_path(path, i);
    if (list[i].is_string()) {
      const std::string text = list[i].get<std::string>();
      if (text.size() != 3 || text[0] < '1' || text[0] > '9' ||
          (text[1] != 'x' && text[1] != 'X') || (text[2] != 'x' && text[2] != 'X')) {
        throw field_error{p, "unknown status class " + in_quotes(text) + " (like \"4xx\")"};
      }
      out.status_classes.push_back(text[0] - '0');
      continue;
    }
    const auto v = as_uint(list[i], p, 999);
    if (v < 100) throw field_error{p, "is not an HTTP status (100-999)"};
    out.status.push_back(static_cast<int>(v));
  }
}

outcome parse_outcome(const json& j, const std::string& path, verdict v) {
  outcome out;
  out.result = v;
  if (j.is_array()) {
    out.events = parse_events(j, path);
    return out;
  }
  if (!j.is_object()) wrong_type(path, "a list of events or an outcome object", j);
  object_reader o(j, path, {"events", "echo", "status", "headers", "subprotocol", "client"});
  if (o.has("events")) out.events = parse_events(*o.find("events"), o.path("events"));
  out.echo = bool_field(o, "echo", false);
  if (out.echo && out.events) throw field_error{o.path("echo"), "give events or echo, not both"};
  if (o.has("status")) parse_status(*o.find("status"), o.path("status"), out);
  if (const json* h = o.find("headers")) {
    if (!h->is_object()) wrong_type(o.path("headers"), "an object", *h);
    for (const auto& [name, value] : h->items()) {
      const std::string p = join_path(o.path("headers"), name);
      if (value.is_null()) {
        out.headers.push_back({name, std::nullopt});
      } else {
        out.headers.push_back({name, as_string(value, p)});
      }
    }
  }
  if (const json* s = o.find("subprotocol")) {
    out.check_subprotocol = true;
    if (!s->is_null()) out.subprotocol = as_string(*s, o.path("subprotocol"));
  }
  if (const json* cl = o.find("client")) {
    out.client_actions = string_list(*cl, o.path("client"));
    static constexpr std::string_view actions[] = {"failed", "proceeded", "retried", "followed",
                                                   "hung"};
    for (std::size_t i = 0; i < out.client_actions.size(); ++i) {
      if (std::find(std::begin(actions), std::end(actions), out.client_actions[i]) ==
          std::end(actions)) {
        throw field_error{index_path(o.path("client"), i),
                          "must be failed, proceeded, retried, followed or hung"};
      }
    }
  }
  return out;
}

std::vector<std::uint16_t> parse_codes(const json& list, const std::string& path) {
  if (!list.is_array()) wrong_type(path, "a list of close codes", list);
  std::vector<std::uint16_t> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.push_back(static_cast<std::uint16_t>(as_uint(list[i], index_path(path, i), 65535)));
  }
  return out;
}

closer parse_closer(const json& j, const std::string& path) {
  const std::string by = as_string(j, path);
  if (by == "us") return closer::us;
  if (by == "peer") return closer::peer;
  if (by == "either") return closer::either;
  throw field_error{path, "unknown closer " + in_quotes(by) + " (us, peer or either)"};
}

close_expectation parse_close(const json& j, const std::string& path) {
  object_reader o(j, path, {"by", "codes", "clean", "informational"});
  close_expectation c;
  if (const json* by = o.find("by")) c.by = parse_closer(*by, o.path("by"));
  if (const json* codes = o.find("codes")) {
    c.codes = parse_codes(*codes, o.path("codes"));
  } else if (c.by != closer::us) {
    c.codes.clear();  // any code
  }
  c.clean = bool_field(o, "clean", true);
  c.informational = bool_field(o, "informational", false);
  if (!c.informational && !o.has("by")) {
    throw field_error{o.path("by"), "missing required field"};
  }
  return c;
}

// The expect object: outcomes in verdict order, and the close expectation `fail` implies.
void parse_expect(const json& j, const std::string& path, test_case& c, bool has_close) {
  if (!j.is_object()) wrong_type(path, "an object of verdict → outcome", j);
  if (j.empty()) throw field_error{path, "names no acceptable outcome"};
  for (const auto& [key, value] : j.items()) {
    const std::string p = join_path(path, key);
    if (key == "fail") {
      if (j.contains("OK"))
        throw field_error{p, "fail is the OK outcome: give fail or OK, not both"};
      if (has_close)
        throw field_error{p, "fail sets the close expectation: give fail or close, not both"};
      object_reader o(value, p, {"codes", "events", "clean"});
      outcome ok;
      ok.result = verdict::ok;
      ok.events = o.has("events") ? parse_events(*o.find("events"), o.path("events"))
                                  : std::vector<expected_event>{};
      c.outcomes.push_back(std::move(ok));
      c.close.by = closer::peer;
      c.close.codes = o.has("codes") ? parse_codes(*o.find("codes"), o.path("codes"))
                                     : std::vector<std::uint16_t>{};
      c.close.clean = bool_field(o, "clean", false);
      continue;
    }
    const auto v = verdict_from_name(key);
    if (!v) {
      throw field_error{p, "invalid verdict " + in_quotes(key) +
                               " (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED or fail)"};
    }
    if (*v == verdict::failed) {
      throw field_error{p, "FAILED is what matches no outcome; it cannot be expected"};
    }
    c.outcomes.push_back(parse_outcome(value, p, *v));
  }
  std::stable_sort(c.outcomes.begin(), c.outcomes.end(),
                   [](const outcome& a, const outcome& b) { return a.result < b.result; });
}

finish_spec parse_finish(const json& j, const std::string& path) {
  finish_spec f;
  if (j.is_string()) {
    const auto what = j.get<std::string>();
    if (what == "close") return f;
    if (what == "wait") {
      f.what = finish_spec::kind::wait;
      return f;
    }
    if (what == "drop") {
      f.what = finish_spec::kind::drop;
      return f;
    }
    throw field_error{
        path, "unknown finish " + in_quotes(what) + " (\"close\", \"wait\" or {\"close\": {…}})"};
  }
  if (!j.is_object()) wrong_type(path, "\"close\", \"wait\" or an object", j);
  object_reader o(j, path, {"close"});
  object_reader body(o.require("close"), o.path("close"), {"code", "reason"});
  f.code = static_cast<std::uint16_t>(uint_field(body, "code", 1000, 65535));
  f.reason = str_field(body, "reason");
  return f;
}

// "response": what wsprobe answers when it is the server (cases against clients).
response_changes parse_response_changes(const json& j, const std::string& path) {
  object_reader r(j, path, {"status", "reason", "version", "headers", "add_headers"});
  response_changes out;
  out.given = true;
  if (r.has("status")) out.status = static_cast<unsigned>(uint_field(r, "status", 101, 999));
  if (out.status && *out.status < 100) throw field_error{r.path("status"), "must be 100-999"};
  if (r.has("reason")) out.reason = str_field(r, "reason");
  if (r.has("version")) out.version = str_field(r, "version");
  if (const json* hs = r.find("headers")) {
    if (!hs->is_object()) wrong_type(r.path("headers"), "an object", *hs);
    for (const auto& [name, value] : hs->items()) {
      if (value.is_null()) {
        out.headers.emplace_back(name, std::nullopt);
      } else {
        out.headers.emplace_back(name, as_string(value, join_path(r.path("headers"), name)));
      }
    }
  }
  const json& add = list_field(r, "add_headers", false);
  for (std::size_t i = 0; i < add.size(); ++i) {
    const std::string p = index_path(r.path("add_headers"), i);
    if (!add[i].is_array() || add[i].size() != 2) wrong_type(p, "a [name, value] pair", add[i]);
    out.add_headers.emplace_back(as_string(add[i][0], index_path(p, 0)),
                                 as_string(add[i][1], index_path(p, 1)));
  }
  return out;
}

handshake_changes parse_handshake(const json& j, const std::string& path) {
  object_reader o(j, path, {"request", "response"});
  handshake_changes h;
  if (const json* resp = o.find("response")) {
    h.response = parse_response_changes(*resp, o.path("response"));
  }
  const json* req = o.find("request");
  if (!req) return h;
  object_reader r(*req, o.path("request"),
                  {"method", "version", "target", "headers", "add_headers", "subprotocols"});
  if (r.has("method")) h.method = str_field(r, "method");
  if (r.has("version")) h.version = str_field(r, "version");
  if (r.has("target")) h.target = str_field(r, "target");
  if (const json* hs = r.find("headers")) {
    if (!hs->is_object()) wrong_type(r.path("headers"), "an object", *hs);
    for (const auto& [name, value] : hs->items()) {
      if (value.is_null()) {
        h.headers.emplace_back(name, std::nullopt);
      } else {
        h.headers.emplace_back(name, as_string(value, join_path(r.path("headers"), name)));
      }
    }
  }
  const json& add = list_field(r, "add_headers", false);
  for (std::size_t i = 0; i < add.size(); ++i) {
    const std::string p = index_path(r.path("add_headers"), i);
    if (!add[i].is_array() || add[i].size() != 2) wrong_type(p, "a [name, value] pair", add[i]);
    h.add_headers.emplace_back(as_string(add[i][0], index_path(p, 0)),
                               as_string(add[i][1], index_path(p, 1)));
  }
  if (r.has("subprotocols"))
    h.subprotocols = string_list(*r.find("subprotocols"), r.path("subprotocols"));
  return h;
}

// The case --------------------------------------------------------------------------------

constexpr std::string_view case_fields[] = {"id",
                                            "autobahn",
                                            "title",
                                            "requirement",
                                            "rfc",
                                            "under_test",
                                            "transport",
                                            "timeout_ms",
                                            "handshake",
                                            "steps",
                                            "expect",
                                            "close",
                                            "finish",
                                            "quiet_ms",
                                            "matrix",
                                            "notes",
                                            "known_differences"};

bool valid_id(const std::string& id) {
  const auto dot = id.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == id.size()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

bool valid_autobahn(const std::string& s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

bool valid_rfc(const std::string& s) {
  const auto hash = s.find('#');
  if (hash == std::string::npos || hash == 0 || hash + 1 == s.size()) return false;
  for (std::size_t i = 0; i < hash; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return s.find(' ') == std::string::npos;
}

test_case parse_case(const json& j) {
  object_reader o(j, "", case_fields);
  test_case c;
  c.id = as_string(o.require("id"), "id");
  if (!valid_id(c.id)) {
    throw field_error{"id", "invalid id " + in_quotes(c.id) +
                                ": must be area.rest of lowercase letters, digits, '-', '.', '_'"};
  }
  c.area = c.id.substr(0, c.id.find('.'));
  if (const json* a = o.find("autobahn")) {
    c.autobahn = as_string(*a, "autobahn");
    if (!valid_autobahn(*c.autobahn)) {
      throw field_error{"autobahn", "invalid Autobahn case number " + in_quotes(*c.autobahn) +
                                        " (digits and dots, like \"6.4.1\")"};
    }
  }
  c.title = as_string(o.require("title"), "title");
  if (c.title.empty()) throw field_error{"title", "must not be empty"};
  c.requirement = str_field(o, "requirement");
  c.rfc = string_list(o.require("rfc"), "rfc");
  if (c.rfc.empty()) throw field_error{"rfc", "cite at least one section (\"6455#5.2\")"};
  for (std::size_t i = 0; i < c.rfc.size(); ++i) {
    if (!valid_rfc(c.rfc[i])) {
      throw field_error{index_path("rfc", i), "invalid reference " + in_quotes(c.rfc[i]) +
                                                  " (RFC number#section, like \"6455#5.2\")"};
    }
  }
  if (const json* u = o.find("under_test")) {
    const std::string who = as_string(*u, "under_test");
    if (who == "server") {
      c.under_test = party::server;
    } else if (who == "client") {
      c.under_test = party::client;
    } else if (who == "both") {
      c.under_test = party::both;
    } else {
      throw field_error{"under_test",
                        "unknown party " + in_quotes(who) + " (server, client or both)"};
    }
  }
  if (o.has("transport")) {
    const auto names = string_list(*o.find("transport"), "transport");
    if (names.empty()) throw field_error{"transport", "needs at least one transport"};
    c.transports.clear();
    for (std::size_t i = 0; i < names.size(); ++i) {
      transport t;
      if (names[i] == "h1") {
        t = transport::h1;
      } else if (names[i] == "h2") {
        t = transport::h2;
      } else {
        throw field_error{index_path("transport", i),
                          "unknown transport " + in_quotes(names[i]) + " (h1 or h2)"};
      }
      if (std::find(c.transports.begin(), c.transports.end(), t) != c.transports.end()) {
        throw field_error{index_path("transport", i), "duplicate transport " + in_quotes(names[i])};
      }
      c.transports.push_back(t);
    }
  }
  if (const json* t = o.find("timeout_ms")) {
    c.timeout_ms = static_cast<std::uint32_t>(as_uint(*t, "timeout_ms", 3600000));
    if (*c.timeout_ms == 0) throw field_error{"timeout_ms", "must be at least 1"};
  }
  if (const json* h = o.find("handshake")) c.handshake = parse_handshake(*h, "handshake");
  c.steps = parse_steps(list_field(o, "steps", true), "steps");
  const bool has_close = o.has("close");
  if (has_close) c.close = parse_close(*o.find("close"), "close");
  parse_expect(o.require("expect"), "expect", c, has_close);
  if (const json* f = o.find("finish")) {
    c.finish = parse_finish(*f, "finish");
  } else {
    c.finish.what = c.close.by == closer::peer && !c.close.informational ? finish_spec::kind::wait
                                                                         : finish_spec::kind::close;
  }
  c.quiet_ms = static_cast<std::uint32_t>(uint_field(o, "quiet_ms", 0, 60000));
  c.notes = str_field(o, "notes");
  if (const json* k = o.find("known_differences")) {
    if (!k->is_object()) wrong_type("known_differences", "an object of agent name to text", *k);
    for (const auto& [agent, text] : k->items()) {
      const std::string p = join_path("known_differences", agent);
      if (agent.empty()) throw field_error{p, "the agent name must not be empty"};
      c.known_differences.emplace_back(agent, as_string(text, p));
      if (c.known_differences.back().second.empty()) throw field_error{p, "must not be empty"};
    }
  }
  return c;
}

// Files -------------------------------------------------------------------------------------

std::string case_label(const json& raw, std::size_t index, std::optional<std::size_t> entry) {
  std::string label;
  const json* id = raw.is_object() && raw.contains("id") ? &raw.at("id") : nullptr;
  if (id && id->is_string() && !id->get<std::string>().empty()) {
    label = "case " + in_quotes(id->get<std::string>());
  } else {
    label = "case #" + std::to_string(index);
  }
  if (entry) label += " (matrix entry " + std::to_string(*entry) + ")";
  return label;
}

std::string format_error(std::string_view file, const std::string& label, const field_error& e) {
  std::string out = std::string(file) + ": " + label + ": ";
  if (!e.path.empty()) out += e.path + ": ";
  return out + e.message;
}

std::string parse_error_message(std::string_view text, std::string_view file,
                                const nlohmann::json::parse_error& e) {
  // nlohmann reports the byte position of the last byte read (1-based).
  std::size_t line = 1, column = 1;
  const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string what = e.what();
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: ".
  if (const auto at = what.find(": "); at != std::string::npos && what.rfind("[json.", 0) == 0) {
    what = what.substr(at + 2);
  }
  return std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column) +
         ": invalid JSON: " + what;
}

// Reports ids seen twice (in `cases` or against `seen`), dropping the later ones.
void check_duplicates(std::vector<test_case>& cases, std::map<std::string, std::string>& seen,
                      std::vector<std::string>& errors) {
  std::vector<test_case> kept;
  kept.reserve(cases.size());
  for (auto& c : cases) {
    auto [it, inserted] = seen.emplace(c.id, c.file);
    if (!inserted) {
      std::string label = "case " + in_quotes(c.id);
      if (c.matrix_entry) label += " (matrix entry " + std::to_string(*c.matrix_entry) + ")";
      errors.push_back(format_error(
          c.file, label, field_error{"id", "duplicate id, first defined in " + it->second}));
      continue;
    }
    kept.push_back(std::move(c));
  }
  cases = std::move(kept);
}

std::vector<test_case> load_collect(std::string_view text, std::string_view file,
                                    std::vector<std::string>& errors) {
  std::vector<test_case> out;
  json doc;
  try {
    // Cases nest a few levels; a deeper document is a mistake (and would recurse deeply below).
    bool too_deep = false;
    doc = json::parse(text.begin(), text.end(), [&](int depth, json::parse_event_t, json&) {
      if (depth > max_depth) too_deep = true;
      return !too_deep;
    });
    if (too_deep) {
      errors.push_back(std::string(file) + ": nested deeper than " + std::to_string(max_depth) +
                       " levels");
      return out;
    }
  } catch (const nlohmann::json::parse_error& e) {
    errors.push_back(parse_error_message(text, file, e));
    return out;
  }
  std::vector<const json*> definitions;
  if (doc.is_array()) {
    for (const auto& d : doc) definitions.push_back(&d);
  } else if (doc.is_object()) {
    definitions.push_back(&doc);
  } else {
    errors.push_back(std::string(file) + ": expected a case object or a list of cases, found " +
                     type_of(doc));
    return out;
  }
  if (definitions.empty()) {
    errors.push_back(std::string(file) + ": the file holds no case");
    return out;
  }
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    const json& raw = *definitions[i];
    std::optional<std::size_t> entry;
    try {
      if (!raw.is_object()) wrong_type("", "a case object", raw);
      object_reader(raw, "", case_fields);  // unknown fields, before anything is expanded
      std::vector<json> entries;
      if (raw.contains("matrix")) entries = matrix_entries(raw.at("matrix"));
      json base = raw;
      base.erase("matrix");
      const std::size_t n = entries.empty() ? 1 : entries.size();
      for (std::size_t k = 0; k < n; ++k) {
        if (!entries.empty()) entry = k;
        json def = substitute(base, entries.empty() ? json::object() : entries[k], "");
        test_case c = parse_case(def);
        c.file = std::string(file);
        c.index = i;
        c.matrix_entry = entry;
        c.definition = std::move(def);
        out.push_back(std::move(c));
      }
    } catch (const field_error& e) {
      errors.push_back(format_error(file, case_label(raw, i, entry), e));
    }
  }
  return out;
}

}  // namespace

std::vector<test_case> load_text(std::string_view json_text, std::string_view file_name) {
  std::vector<std::string> errors;
  auto cases = load_collect(json_text, file_name, errors);
  std::map<std::string, std::string> seen;
  check_duplicates(cases, seen, errors);
  if (!errors.empty()) throw case_error(errors.front());
  return cases;
}

load_result load_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  load_result result;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    result.errors.push_back(dir.string() + ": not a folder of cases");
    return result;
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) result.errors.push_back(dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  fs::path shown_root = dir.lexically_normal();
  if (shown_root.filename().empty()) shown_root = shown_root.parent_path();  // "cases/" → "cases"
  std::map<std::string, std::string> seen;
  for (const auto& file : files) {
    const std::string shown =
        (shown_root.filename() / file.lexically_relative(dir)).generic_string();
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      result.errors.push_back(shown + ": cannot read the file");
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    ++result.files;
    auto cases = load_collect(text.str(), shown, result.errors);
    check_duplicates(cases, seen, result.errors);
    for (auto& c : cases) result.cases.push_back(std::move(c));
  }
  return result;
}

std::vector<test_case> load_directory_or_throw(const std::filesystem::path& dir) {
  auto result = load_directory(dir);
  if (!result.errors.empty()) throw case_error(result.errors.front());
  return std::move(result.cases);
}

std::filesystem::path find_cases_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("WSPROBE_CASES_DIR"); env && *env) return fs::path(env);
  if (fs::is_directory("cases", ec)) return fs::absolute("cases", ec);
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  for (fs::path p = exe.parent_path(); !p.empty(); p = p.parent_path()) {
    if (fs::is_directory(p / "cases", ec) && fs::exists(p / "cases" / "README.md", ec)) {
      return p / "cases";
    }
    if (p == p.root_path()) break;
  }
  return {};
}

}  // namespace wsprobe::cases
