// Per-connection bookkeeping of echoes, sans I/O: which sequence numbers came back, and which
// came back twice, out of order or changed. Sequence numbers are sent 0, 1, 2, … on each
// connection, so one counter (every seq below it seen) plus a small set of those seen above it
// is enough; the set stays empty unless the peer reorders or loses messages.
#pragma once

#include <cstdint>
#include <set>

namespace wsprobe::load {

struct echo_tally {
  std::uint64_t received = 0;    // distinct sequence numbers back intact
  std::uint64_t duplicated = 0;  // a sequence number seen again
  std::uint64_t reordered = 0;   // back after a later one
  std::uint64_t corrupted = 0;   // payload, size, opcode or stamp not what was sent
};

class echo_verifier {
 public:
  enum class verdict { ok, reordered, duplicate, corrupted };

  // One echo. `seq` as read from its stamp (ignored when !stamp_ok), `sent` how many messages
  // this connection has sent so far, `payload_ok` whether the rest of the payload matched.
  // ok and reordered echoes count as received (their latency is meaningful); a corrupted echo
  // with a readable sequence number counts that number as seen, so it is not also lost.
  verdict on_echo(bool stamp_ok, std::uint64_t seq, bool payload_ok, std::uint64_t sent);

  // Messages sent and never seen back (call when no more echoes will come).
  std::uint64_t lost(std::uint64_t sent) const { return sent > seen_ ? sent - seen_ : 0; }
  // Messages sent and not back yet.
  std::uint64_t outstanding(std::uint64_t sent) const { return lost(sent); }

  const echo_tally& tally() const { return tally_; }

 private:
  // Returns false if seq had been seen already.
  bool mark_seen(std::uint64_t seq);

  echo_tally tally_;
  std::uint64_t below_ = 0;        // every seq < below_ has been seen
  std::uint64_t highest_ = 0;      // highest seq seen + 1
  std::uint64_t seen_ = 0;         // distinct seqs seen
  std::set<std::uint64_t> ahead_;  // seen seqs > below_
};

}  // namespace wsprobe::load
