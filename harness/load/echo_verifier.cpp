#include "harness/load/echo_verifier.hpp"

namespace wsprobe::load {

bool echo_verifier::mark_seen(std::uint64_t seq) {
  if (seq < below_) return false;
  if (seq == below_) {
    ++below_;
    // Pull in whatever had arrived ahead of the gap just closed.
    while (!ahead_.empty() && *ahead_.begin() == below_) {
      ahead_.erase(ahead_.begin());
      ++below_;
    }
  } else if (!ahead_.insert(seq).second) {
    return false;
  }
  ++seen_;
  return true;
}

echo_verifier::verdict echo_verifier::on_echo(bool stamp_ok, std::uint64_t seq, bool payload_ok,
                                              std::uint64_t sent) {
  if (!stamp_ok || seq >= sent) {  // unreadable, or a number we never sent
    ++tally_.corrupted;
    return verdict::corrupted;
  }
  const bool late = seq + 1 < highest_;
  if (!mark_seen(seq)) {
    ++tally_.duplicated;
    return verdict::duplicate;
  }
  if (seq + 1 > highest_) highest_ = seq + 1;
  if (!payload_ok) {
    ++tally_.corrupted;
    return verdict::corrupted;
  }
  ++tally_.received;
  if (late) {
    ++tally_.reordered;
    return verdict::reordered;
  }
  return verdict::ok;
}

}  // namespace wsprobe::load
