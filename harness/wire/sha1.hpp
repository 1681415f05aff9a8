// SHA-1 (OpenSSL libcrypto), used only to compute Sec-WebSocket-Accept (RFC 6455 §4.2.2).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace wsprobe::wire {

using sha1_digest = std::array<std::uint8_t, 20>;

sha1_digest sha1(std::string_view bytes);

}  // namespace wsprobe::wire
