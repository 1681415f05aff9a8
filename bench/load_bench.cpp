// Micro-benchmarks of the load generator's hot path, the same calls load_connection makes: a
// 64-byte message stamped, filled, framed and masked into a batch buffer; a read of N echoed frames
// decoded and every echo checked (stamp, pattern, sequence); a latency recorded in the histogram.
// Items per second here is messages per second on one core, before any system call.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "harness/load/echo_payload.hpp"
#include "harness/load/echo_verifier.hpp"
#include "harness/load/latency_histogram.hpp"
#include "harness/load/masking_key_source.hpp"
#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/mask.hpp"

namespace {

using namespace wsprobe;

// What load_connection::append_frame does for one message.
std::size_t append_message(std::vector<std::uint8_t>& buffer, std::size_t at,
                           const load::payload_spec& spec, std::uint64_t seq,
                           load::masking_key_source& keys) {
  const std::size_t size = load::payload_size(spec, seq);
  wire::frame_spec frame;
  frame.opcode = spec.text ? wire::opcode::text : wire::opcode::binary;
  frame.mask = keys.next();
  std::uint8_t* out = buffer.data() + at;
  const std::size_t header = wire::write_header(out, frame, size);
  load::fill_payload(spec, load::stamp{seq, seq * 1000}, out + header);
  wire::apply_mask(std::span<std::uint8_t>(out + header, size), *frame.mask);
  return at + header + size;
}

void BM_EncodeMask64IntoBatch(benchmark::State& state) {
  load::payload_spec spec;
  spec.min_size = spec.max_size = 64;
  spec.text = state.range(0) != 0;
  load::masking_key_source keys;
  std::vector<std::uint8_t> batch(256 * 1024);
  std::uint64_t seq = 0;
  std::size_t at = 0;
  for (auto _ : state) {
    if (at + 64 + wire::max_header_size > batch.size()) at = 0;  // a batch was written
    at = append_message(batch, at, spec, seq++, keys);
    benchmark::DoNotOptimize(batch.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
}
BENCHMARK(BM_EncodeMask64IntoBatch)->Arg(0)->Arg(1)->ArgName("text");

// N echoes of 64-byte messages as a server sends them back (unmasked), in one read.
std::vector<std::uint8_t> echoed_frames(const load::payload_spec& spec, std::size_t n) {
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> payload(64);
  for (std::uint64_t seq = 0; seq < n; ++seq) {
    load::fill_payload(spec, load::stamp{seq, seq * 1000}, payload.data());
    wire::frame_spec frame;
    frame.opcode = wire::opcode::binary;
    wire::encode_frame(frame, payload, out);
  }
  return out;
}

// What load_connection::on_bytes and on_message do with one read.
void BM_ParseEchoedFrames(benchmark::State& state) {
  load::payload_spec spec;
  spec.min_size = spec.max_size = 64;
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto wire_bytes = echoed_frames(spec, n);
  std::vector<std::uint8_t> read(wire_bytes.size());
  load::latency_histogram histogram;
  for (auto _ : state) {
    read = wire_bytes;  // the decoder works in place, as on a fresh read
    wire::frame_decoder decoder(wire::decoder_options{.local_role = wire::role::client});
    load::echo_verifier verifier;
    std::span<std::uint8_t> bytes(read);
    std::span<const std::uint8_t> whole;
    std::uint64_t ok = 0;
    for (bool more = true; more;) {
      std::size_t used = 0;
      const auto event = decoder.next(bytes, used);
      bytes = bytes.subspan(used);
      using kind = wire::frame_decoder::event_kind;
      switch (event.kind) {
        case kind::payload:
          whole = event.payload;
          break;
        case kind::frame_end: {
          const auto s = load::read_stamp(whole);
          const bool good = s && load::check_payload(spec, s->seq, whole);
          if (verifier.on_echo(s.has_value(), s ? s->seq : 0, good, n) ==
              load::echo_verifier::verdict::ok) {
            ++ok;
            histogram.record(s->sent_ns / 1000 % 5000);
          }
          break;
        }
        case kind::header:
          break;
        default:
          more = false;
      }
    }
    if (ok != n) state.SkipWithError("an echo did not verify");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire_bytes.size()));
}
BENCHMARK(BM_ParseEchoedFrames)->Arg(1)->Arg(64)->Arg(1024);

void BM_HistogramRecord(benchmark::State& state) {
  load::latency_histogram histogram;
  std::uint64_t v = 12345;
  for (auto _ : state) {
    v = v * 6364136223846793005ull + 1442695040888963407ull;
    histogram.record((v >> 40) % 100000);  // 0..100 ms: both the exact and the log part
  }
  benchmark::DoNotOptimize(histogram.total_count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

}  // namespace
