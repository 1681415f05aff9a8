#include "harness/run/server_response.hpp"

#include "harness/wire/handshake.hpp"

namespace wsprobe::run {

namespace {

std::string substitute(std::string value, std::string_view location_url,
                       const std::string& accept) {
  auto replace_all = [&value](std::string_view from, std::string_view to) {
    for (std::size_t at = value.find(from); at != std::string::npos;
         at = value.find(from, at + to.size())) {
      value.replace(at, from.size(), to);
    }
  };
  replace_all("{location}", location_url);
  replace_all("{accept}", accept);
  return value;
}

}  // namespace

wire::http_response make_server_response(const cases::response_changes& changes,
                                         const wire::http_request& request,
                                         std::string_view location_url) {
  const std::string* key = request.headers.find("Sec-WebSocket-Key");
  const std::string accept = wire::compute_accept(key ? *key : std::string());
  wire::http_response r;
  r.status = changes.status.value_or(101);
  r.reason = changes.reason ? *changes.reason : std::string(wire::status_reason(r.status));
  if (changes.version) r.version = *changes.version;
  if (r.status == 101) {
    r.headers.add("Upgrade", "websocket");
    r.headers.add("Connection", "Upgrade");
    r.headers.add("Sec-WebSocket-Accept", accept);
  } else {
    r.headers.add("Content-Length", "0");
  }
  for (const auto& [name, value] : changes.headers) {
    if (value) {
      r.headers.set(name, substitute(*value, location_url, accept));
    } else {
      r.headers.remove(name);
    }
  }
  for (const auto& [name, value] : changes.add_headers) {
    r.headers.add(name, substitute(value, location_url, accept));
  }
  return r;
}

}  // namespace wsprobe::run
