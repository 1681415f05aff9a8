#include "harness/wire/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace wsprobe::wire {

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (bytes.empty()) return out;
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return base64_encode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

void base64_encode_to(std::span<const std::uint8_t> bytes, char* out) {
  if (bytes.empty()) return;
  // EVP_EncodeBlock adds a NUL after the text: encode whole groups into a scratch first when the
  // caller's buffer holds exactly the text.
  unsigned char scratch[4 * ((64 + 2) / 3) + 1];
  while (!bytes.empty()) {
    const std::size_t take = std::min<std::size_t>(bytes.size(), 48);
    const int written = EVP_EncodeBlock(scratch, bytes.data(), static_cast<int>(take));
    std::memcpy(out, scratch, static_cast<std::size_t>(written));
    out += written;
    bytes = bytes.subspan(take);
  }
}

namespace {
bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}
}  // namespace

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::vector<std::uint8_t>{};
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  if (padding == 1 && text.back() != '=') return std::nullopt;  // "x=" then a letter
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!is_base64_char(text[i])) return std::nullopt;
  }
  // EVP_DecodeBlock is lax (it skips whitespace); the checks above made the input strict.
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  const int written =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(written) - padding);  // it counts padding as zero bytes
  return out;
}

}  // namespace wsprobe::wire
