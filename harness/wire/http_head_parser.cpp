#include "harness/wire/http_head_parser.hpp"

namespace wsprobe::wire {

namespace {
// "HTTP/" DIGIT "." DIGIT (RFC 7230 §2.6).
bool is_http_version(std::string_view s) {
  return s.size() == 8 && s.substr(0, 5) == "HTTP/" && s[5] >= '0' && s[5] <= '9' && s[6] == '.' &&
         s[7] >= '0' && s[7] <= '9';
}

bool is_vchar(unsigned char c) {
  return c >= 0x21 && c <= 0x7E;
}
bool is_obs_text(unsigned char c) {
  return c >= 0x80;
}
// field-vchar, SP or HTAB: what may stand inside a field value or a reason-phrase.
bool is_field_char(unsigned char c) {
  return is_vchar(c) || is_obs_text(c) || c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Printable form of a byte for error messages.
std::string describe(unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  return std::string("0x") + hex[c >> 4] + hex[c & 0xF];
}

// request-line = method SP request-target SP HTTP-version (RFC 7230 §3.1.1). Returns the error.
std::string parse_start_line(std::string_view line, http_request& request) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return "request line has no space";
  const auto method = line.substr(0, sp1);
  if (!is_token(method)) return "request line: method is not a token";
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return "request line has no HTTP version";
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.empty()) return "request line: empty request-target";
  for (unsigned char c : target) {
    if (!is_vchar(c)) return "request line: byte " + describe(c) + " in request-target";
  }
  const auto version = line.substr(sp2 + 1);
  if (!is_http_version(version)) return "request line: version is not HTTP/x.y";
  request.method = std::string(method);
  request.target = std::string(target);
  request.version = std::string(version);
  return {};
}

// status-line = HTTP-version SP status-code SP reason-phrase (RFC 7230 §3.1.2). A status line
// that stops right after the code is accepted: the reason-phrase carries no meaning and some
// servers leave out the space before an empty one.
std::string parse_start_line(std::string_view line, http_response& response) {
  if (line.size() < 12 || !is_http_version(line.substr(0, 8)) || line[8] != ' ') {
    return "status line does not start with HTTP/x.y and a space";
  }
  unsigned status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return "status line: status code is not 3 digits";
    status = status * 10 + static_cast<unsigned>(line[i] - '0');
  }
  std::string_view reason;
  if (line.size() > 12) {
    if (line[12] != ' ') return "status line: status code is not 3 digits";
    reason = line.substr(13);
    for (unsigned char c : reason) {
      if (!is_field_char(c)) return "status line: byte " + describe(c) + " in reason-phrase";
    }
  }
  response.version = std::string(line.substr(0, 8));
  response.status = status;
  response.reason = std::string(reason);
  return {};
}

// header-field = field-name ":" OWS field-value OWS (RFC 7230 §3.2).
std::string parse_field(std::string_view line, http_headers& headers) {
  if (line.front() == ' ' || line.front() == '\t') {
    return "obs-fold: header line starts with whitespace (RFC 7230 §3.2.4)";
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return "header line without a colon";
  const auto name = line.substr(0, colon);
  if (name.empty()) return "header line with an empty name";
  if (name.back() == ' ' || name.back() == '\t') {
    return "whitespace between header name and colon (RFC 7230 §3.2.4)";
  }
  if (!is_token(name)) return "header name \"" + std::string(name) + "\" is not a token";
  const auto value = trim_ows(line.substr(colon + 1));
  for (unsigned char c : value) {
    if (!is_field_char(c)) {
      return "byte " + describe(c) + " in the value of header " + std::string(name);
    }
  }
  headers.add(name, value);
  return {};
}
}  // namespace

template <class Message>
basic_head_parser<Message>::basic_head_parser(std::size_t max_head_size)
    : max_head_size_(max_head_size) {}

template <class Message>
void basic_head_parser<Message>::reset() {
  head_size_ = 0;
  line_.clear();
  seen_start_line_ = false;
  status_ = parse_status::need_more;
  error_.clear();
  message_ = Message{};
}

template <class Message>
bool basic_head_parser<Message>::fail(std::string reason) {
  status_ = parse_status::error;
  error_ = std::move(reason);
  line_.clear();
  return false;
}

template <class Message>
bool basic_head_parser<Message>::take_line(std::string_view line) {
  std::string problem;
  if (!seen_start_line_) {
    problem = parse_start_line(line, message_);
    seen_start_line_ = true;
  } else {
    problem = parse_field(line, message_.headers);
  }
  return problem.empty() || fail(std::move(problem));
}

template <class Message>
parse_status basic_head_parser<Message>::feed(std::string_view bytes, std::size_t& consumed) {
  consumed = 0;
  while (status_ == parse_status::need_more && consumed < bytes.size()) {
    const auto rest = bytes.substr(consumed);
    const auto lf = rest.find('\n');
    const std::size_t take = lf == std::string_view::npos ? rest.size() : lf + 1;
    if (take > max_head_size_ - head_size_) {
      consumed += max_head_size_ - head_size_;
      head_size_ = max_head_size_;
      fail("head larger than " + std::to_string(max_head_size_) + " bytes");
      break;
    }
    line_.append(rest.substr(0, take));
    head_size_ += take;
    consumed += take;
    if (lf == std::string_view::npos) break;  // the line goes on in the next bytes

    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
      fail("line ends in a bare LF, not CRLF");
      break;
    }
    const std::string_view line(line_.data(), line_.size() - 2);
    if (line.empty()) {
      if (!seen_start_line_) {
        fail("empty line before the start line");
      } else {
        status_ = parse_status::done;
        line_.clear();
      }
      break;
    }
    if (!take_line(line)) break;
    line_.clear();
  }
  return status_;
}

template class basic_head_parser<http_request>;
template class basic_head_parser<http_response>;

}  // namespace wsprobe::wire
