// Base64 (RFC 4648 §4, the standard alphabet with padding), as the opening handshake uses it for
// Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 §4.1, §4.2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::wire {

// Encodes with padding, no line breaks.
std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view bytes);
// Writes the encoding of `bytes` (4 * ceil(n / 3) characters, no terminator) to `out`, for hot
// paths that keep the text in a buffer of their own.
void base64_encode_to(std::span<const std::uint8_t> bytes, char* out);

// Decodes strictly: length a multiple of 4, only the standard alphabet, '=' only as the last one
// or two characters, no whitespace. Nonzero bits under the padding are tolerated (RFC 4648 §3.5
// lets a decoder choose). Returns nullopt for anything else.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace wsprobe::wire
