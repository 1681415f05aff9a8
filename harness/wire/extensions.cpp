#include "harness/wire/extensions.hpp"

namespace wsprobe::wire {

namespace {
// A cursor over one field value with the few moves the §9.1 grammar needs.
class cursor {
 public:
  explicit cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void advance() { ++pos_; }
  void skip_ows() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) advance();
  }
  std::string_view token() {
    const auto start = pos_;
    while (!at_end() && is_tchar(peek())) advance();
    return text_.substr(start, pos_ - start);
  }
  // At the opening DQUOTE: reads a quoted-string (RFC 7230 §3.2.6) into `out`, unescaped.
  bool quoted_string(std::string& out) {
    advance();
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(peek());
      advance();
      if (c == '"') return true;
      if (c == '\\') {
        if (at_end()) return false;
        const auto escaped = static_cast<unsigned char>(peek());
        if (escaped != '\t' && (escaped < 0x20 || escaped == 0x7F)) return false;
        out += static_cast<char>(escaped);
        advance();
        continue;
      }
      if (c != '\t' && (c < 0x20 || c == 0x7F)) return false;
      out += static_cast<char>(c);
    }
    return false;  // no closing quote
  }
  std::string where() const { return "at offset " + std::to_string(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Parses `extension *( ";" extension-param )` at the cursor; returns the error.
std::string parse_offer(cursor& in, extension_offer& offer) {
  const auto name = in.token();
  if (name.empty()) return "expected an extension name " + in.where();
  offer.name = std::string(name);
  in.skip_ows();
  while (!in.at_end() && in.peek() == ';') {
    in.advance();
    in.skip_ows();
    const auto param_name = in.token();
    if (param_name.empty()) {
      return "expected a parameter name after ';' in " + offer.name + " " + in.where();
    }
    extension_param param{std::string(param_name), std::nullopt, false};
    in.skip_ows();
    if (!in.at_end() && in.peek() == '=') {
      in.advance();
      in.skip_ows();
      if (!in.at_end() && in.peek() == '"') {
        std::string value;
        if (!in.quoted_string(value)) {
          return "malformed quoted-string for parameter " + param.name + " of " + offer.name;
        }
        // §9.1: the unescaped quoted-string must conform to the token rule.
        if (!is_token(value)) {
          return "quoted value of parameter " + param.name + " of " + offer.name +
                 " is not a token";
        }
        param.value = std::move(value);
        param.quoted = true;
      } else {
        const auto value = in.token();
        if (value.empty()) {
          return "parameter " + param.name + " of " + offer.name + " has no value after '=' " +
                 in.where();
        }
        param.value = std::string(value);
      }
      in.skip_ows();
    }
    offer.params.push_back(std::move(param));
  }
  return {};
}

void append_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}
}  // namespace

const extension_param* extension_offer::find(std::string_view param_name) const {
  for (const auto& param : params) {
    if (iequals(param.name, param_name)) return &param;
  }
  return nullptr;
}

extension_list parse_extensions(std::string_view value) {
  extension_list out;
  cursor in(value);
  while (true) {
    in.skip_ows();
    if (in.at_end()) break;
    if (in.peek() == ',') {  // empty list element
      in.advance();
      continue;
    }
    extension_offer offer;
    if (auto problem = parse_offer(in, offer); !problem.empty()) {
      out.offers.clear();
      out.error = std::move(problem);
      return out;
    }
    out.offers.push_back(std::move(offer));
    if (in.at_end()) break;
    if (in.peek() != ',') {
      out.error = std::string("unexpected '") + in.peek() + "' after extension " +
                  out.offers.back().name + " " + in.where();
      out.offers.clear();
      return out;
    }
    in.advance();
  }
  if (out.offers.empty()) out.error = "no extension in the list";
  return out;
}

extension_list parse_extensions(const http_headers& headers) {
  extension_list out;
  for (const auto& field : headers.fields) {
    if (!iequals(field.name, "Sec-WebSocket-Extensions")) continue;
    auto part = parse_extensions(field.value);
    if (!part.ok()) {
      out.offers.clear();
      out.error = "Sec-WebSocket-Extensions: " + part.error;
      return out;
    }
    for (auto& offer : part.offers) out.offers.push_back(std::move(offer));
  }
  return out;
}

std::string serialize_extensions(const std::vector<extension_offer>& offers) {
  std::string out;
  for (const auto& offer : offers) {
    if (!out.empty()) out += ", ";
    out += offer.name;
    for (const auto& param : offer.params) {
      out += "; ";
      out += param.name;
      if (!param.value) continue;
      out += '=';
      if (param.quoted || !is_token(*param.value)) {
        append_quoted(out, *param.value);
      } else {
        out += *param.value;
      }
    }
  }
  return out;
}

}  // namespace wsprobe::wire
