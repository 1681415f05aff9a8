#include "harness/report/result.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace wsprobe::report {

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

struct byte_digester::sha_state {
  EVP_MD_CTX* ctx = nullptr;
};

byte_digester::byte_digester() : sha_(new sha_state) {
  sha_->ctx = EVP_MD_CTX_new();
  if (sha_->ctx == nullptr || EVP_DigestInit_ex(sha_->ctx, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(sha_->ctx);
    delete sha_;
    throw std::runtime_error("SHA-256 is not available");
  }
}

byte_digester::~byte_digester() {
  if (sha_ != nullptr) {
    EVP_MD_CTX_free(sha_->ctx);
    delete sha_;
  }
}

byte_digester::byte_digester(byte_digester&& other) noexcept
    : sha_(std::exchange(other.sha_, nullptr)),
      head_(std::move(other.head_)),
      length_(other.length_) {}

byte_digester& byte_digester::operator=(byte_digester&& other) noexcept {
  if (this != &other) {
    this->~byte_digester();
    sha_ = std::exchange(other.sha_, nullptr);
    head_ = std::move(other.head_);
    length_ = other.length_;
  }
  return *this;
}

void byte_digester::update(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  EVP_DigestUpdate(sha_->ctx, bytes.data(), bytes.size());
  // Keep one byte more than is shown, so that finish() knows whether to elide.
  const std::size_t keep = max_shown_bytes + 1;
  if (head_.size() < keep) {
    const std::size_t n = std::min(keep - head_.size(), bytes.size());
    head_.insert(head_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  }
  length_ += bytes.size();
}

byte_digest byte_digester::finish() {
  byte_digest out;
  out.length = length_;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_size = 0;
  EVP_DigestFinal_ex(sha_->ctx, md, &md_size);
  if (out.elided()) {
    out.sha256 = to_hex(std::span<const std::uint8_t>(md, md_size));
  } else {
    out.bytes = std::move(head_);
  }
  head_.clear();
  length_ = 0;
  EVP_DigestInit_ex(sha_->ctx, EVP_sha256(), nullptr);
  return out;
}

byte_digest digest_bytes(std::span<const std::uint8_t> bytes) {
  byte_digest out;
  out.length = bytes.size();
  if (out.elided()) {
    out.sha256 = sha256_hex(bytes);
  } else {
    out.bytes.assign(bytes.begin(), bytes.end());
  }
  return out;
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_size = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &md_size, EVP_sha256(), nullptr);
  return to_hex(std::span<const std::uint8_t>(md, md_size));
}

summary summarize(std::span<const case_result> results) {
  summary s;
  s.total = results.size();
  for (const case_result& r : results) ++s.counts[static_cast<std::size_t>(r.result)];
  return s;
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace wsprobe::report
