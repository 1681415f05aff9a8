#include "harness/wire/http_head.hpp"

#include <algorithm>

namespace wsprobe::wire {

namespace {
char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void append_fields(std::string& out, const http_headers& headers) {
  for (const auto& field : headers.fields) {
    out += field.name;
    out += ": ";
    out += field.value;
    out += "\r\n";
  }
  out += "\r\n";
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

const std::string* http_headers::find(std::string_view name) const {
  for (const auto& field : fields) {
    if (iequals(field.name, name)) return &field.value;
  }
  return nullptr;
}

std::size_t http_headers::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      fields.begin(), fields.end(), [&](const http_header& f) { return iequals(f.name, name); }));
}

std::vector<std::string_view> http_headers::values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& field : fields) {
    if (iequals(field.name, name)) out.emplace_back(field.value);
  }
  return out;
}

std::string http_headers::combined(std::string_view name) const {
  std::string out;
  bool first = true;
  for (const auto& field : fields) {
    if (!iequals(field.name, name)) continue;
    if (!first) out += ", ";
    out += field.value;
    first = false;
  }
  return out;
}

void http_headers::add(std::string_view name, std::string_view value) {
  fields.push_back(http_header{std::string(name), std::string(value)});
}

void http_headers::set(std::string_view name, std::string_view value) {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const http_header& f) { return iequals(f.name, name); });
  if (it == fields.end()) {
    add(name, value);
    return;
  }
  it->value = std::string(value);
  const auto kept = it - fields.begin();
  fields.erase(std::remove_if(fields.begin() + kept + 1, fields.end(),
                              [&](const http_header& f) { return iequals(f.name, name); }),
               fields.end());
}

std::size_t http_headers::remove(std::string_view name) {
  const auto before = fields.size();
  std::erase_if(fields, [&](const http_header& f) { return iequals(f.name, name); });
  return before - fields.size();
}

std::string serialize(const http_request& request) {
  std::string out;
  out.reserve(64 + request.target.size());
  out += request.method;
  out += ' ';
  out += request.target;
  out += ' ';
  out += request.version;
  out += "\r\n";
  append_fields(out, request.headers);
  return out;
}

std::string serialize(const http_response& response) {
  std::string out;
  out.reserve(64);
  out += response.version;
  out += ' ';
  // At least 3 digits, so that a parsed "050" is written back as it came.
  const auto digits = std::to_string(response.status);
  if (digits.size() < 3) out.append(3 - digits.size(), '0');
  out += digits;
  out += ' ';
  out += response.reason;
  out += "\r\n";
  append_fields(out, response.headers);
  return out;
}

std::string_view status_reason(unsigned status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

bool is_http_version_at_least_1_1(std::string_view version) {
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.') return false;
  const char major = version[5];
  const char minor = version[7];
  if (major < '0' || major > '9' || minor < '0' || minor > '9') return false;
  return major > '1' || (major == '1' && minor >= '1');
}

token_list parse_token_list(std::string_view value) {
  token_list out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto comma = value.find(',', start);
    const auto end = comma == std::string_view::npos ? value.size() : comma;
    const auto element = trim_ows(value.substr(start, end - start));
    if (!element.empty()) {
      if (!is_token(element)) {
        out.error = "list element \"" + std::string(element) + "\" is not a token";
        out.tokens.clear();
        return out;
      }
      out.tokens.emplace_back(element);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool has_token(const http_headers& headers, std::string_view name, std::string_view token) {
  for (const auto& field : headers.fields) {
    if (!iequals(field.name, name)) continue;
    std::string_view rest = field.value;
    while (true) {
      const auto comma = rest.find(',');
      if (iequals(trim_ows(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

}  // namespace wsprobe::wire
