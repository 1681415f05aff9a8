// Micro-benchmarks of the frame core: encoding with masking, decoding with unmasking, masking
// alone and UTF-8 validation, at 16 B, 1 KiB and 1 MiB. scripts/bench.sh runs them and prints
// GB/s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/mask.hpp"
#include "harness/wire/utf8.hpp"

namespace {

using namespace wsprobe::wire;

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + 7);
  return b;
}

// English-like text with an accented letter about every 100 bytes.
std::string ascii_heavy_text(std::size_t n) {
  static const std::string words =
      "The quick brown fox jumps over the lazy dog; WebSocket frames carry text and binary "
      "data. caf\xC3\xA9 ";
  std::string t;
  while (t.size() < n) t += words;
  t.resize(n);
  while (!wsprobe::wire::is_valid_utf8(t)) t.pop_back();  // do not cut a sequence in two
  while (t.size() < n) t += 'x';
  return t;
}

// Greek, CJK, emoji and ASCII in turn: mostly multi-byte sequences.
std::string mixed_text(std::size_t n) {
  static const std::string words =
      "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E "
      "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89 na\xC3\xAFve ";
  std::string t;
  while (t.size() < n) t += words;
  t.resize(n);
  while (!wsprobe::wire::is_valid_utf8(t)) t.pop_back();
  while (t.size() < n) t += 'x';
  return t;
}

void encode_masked(benchmark::State& state) {
  const auto payload = pattern(static_cast<std::size_t>(state.range(0)));
  frame_spec spec;
  spec.opcode = opcode::binary;
  spec.mask = masking_key{0x37, 0xfa, 0x21, 0x3d};
  std::vector<std::uint8_t> out;
  out.reserve(payload.size() + max_header_size);
  for (auto _ : state) {
    out.clear();
    encode_frame(spec, payload, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void decode_unmask(benchmark::State& state) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  spec.mask = masking_key{0x37, 0xfa, 0x21, 0x3d};
  auto wire = encode_frame(spec, pattern(static_cast<std::size_t>(state.range(0))));
  for (auto _ : state) {
    frame_decoder d;  // server role: masked frames expected
    std::span<std::uint8_t> in(wire);
    for (;;) {
      std::size_t used = 0;
      auto ev = d.next(in, used);
      in = in.subspan(used);
      if (ev.kind == frame_decoder::event_kind::payload)
        benchmark::DoNotOptimize(ev.payload.data());
      if (ev.kind == frame_decoder::event_kind::frame_end) break;
      if (ev.kind == frame_decoder::event_kind::error) {
        state.SkipWithError("decode error");
        return;
      }
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void mask_in_place(benchmark::State& state) {
  auto data = pattern(static_cast<std::size_t>(state.range(0)));
  const masking_key key{0x37, 0xfa, 0x21, 0x3d};
  for (auto _ : state) {
    apply_mask(data, key);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void utf8_run(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    utf8_validator v;
    benchmark::DoNotOptimize(v.feed(text));
    benchmark::DoNotOptimize(v.complete());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void utf8_ascii_heavy(benchmark::State& state) {
  utf8_run(state, ascii_heavy_text(static_cast<std::size_t>(state.range(0))));
}

void utf8_mixed(benchmark::State& state) {
  utf8_run(state, mixed_text(static_cast<std::size_t>(state.range(0))));
}

}  // namespace

BENCHMARK(encode_masked)->Arg(16)->Arg(1024)->Arg(1 << 20);
BENCHMARK(decode_unmask)->Arg(16)->Arg(1024)->Arg(1 << 20);
BENCHMARK(mask_in_place)->Arg(16)->Arg(1024)->Arg(1 << 20);
BENCHMARK(utf8_ascii_heavy)->Arg(16)->Arg(1024)->Arg(1 << 20);
BENCHMARK(utf8_mixed)->Arg(16)->Arg(1024)->Arg(1 << 20);
