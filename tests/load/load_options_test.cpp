// `wsprobe load`'s command line checks (load::make_load_options): every bad value is refused with
// one line that names the option and the value, conflicting options are refused, and an option
// given an empty value is not taken for an option left out.
#include "harness/load/load_options.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace wsprobe::load {
namespace {

using namespace std::chrono_literals;

// 2026-12-03T10:00:00Z: --start-at is judged against this instead of the clock.
const std::chrono::system_clock::time_point fixed_now{std::chrono::seconds(1796292000)};

load_args url_only() {
  load_args a;
  a.url = "ws://127.0.0.1:9001/";
  return a;
}

// The message make_load_options gives ("" when it accepts); `o` receives the options.
std::string check(const load_args& a, load_options& o, const char* shard_env = nullptr) {
  return make_load_options(a, o, shard_env, 4, fixed_now);
}

std::string check(const load_args& a) {
  load_options o;
  return check(a, o);
}

// A file in a fresh scratch folder, removed with the fixture.
class LoadOptionsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wsprobe-load-options-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST(LoadOptions, DefaultsAreTheDocumentedOnes) {
  load_options o;
  ASSERT_EQ(check(url_only(), o), "");
  EXPECT_EQ(o.url.port, 9001);
  EXPECT_EQ(o.connections, 1u);
  EXPECT_EQ(o.connect_rate, 0);
  EXPECT_EQ(o.max_pending_handshakes, 256u);
  EXPECT_EQ(o.duration, 10s);
  EXPECT_EQ(o.warmup, 0s);
  EXPECT_EQ(o.model, load_model::open_loop);
  EXPECT_EQ(o.rate, 1000);
  EXPECT_FALSE(o.send_only);
  EXPECT_EQ(o.payload.min_size, 64u);
  EXPECT_EQ(o.payload.max_size, 64u);
  EXPECT_FALSE(o.payload.text);
  EXPECT_EQ(o.threads, 4u);  // the cores given to make_load_options
  EXPECT_TRUE(o.source_ips.empty());
  EXPECT_FALSE(o.shard);
  EXPECT_FALSE(o.start_at);
}

TEST(LoadOptions, TakesWhatIsGiven) {
  auto a = url_only();
  a.connections = "10";
  a.rate_per_conn = "50";
  a.duration_s = "2.5";
  a.warmup_s = "0.5";
  a.size_dist = "16:300";
  a.text_messages = true;
  a.threads = "2";
  a.source_ips = {"127.0.0.1,127.0.0.2", "127.0.0.3"};
  load_options o;
  ASSERT_EQ(check(a, o), "");
  EXPECT_EQ(o.rate, 500);  // per connection times connections
  EXPECT_EQ(o.duration, 2500ms);
  EXPECT_EQ(o.warmup, 500ms);
  EXPECT_EQ(o.payload.min_size, 16u);
  EXPECT_EQ(o.payload.max_size, 300u);
  EXPECT_TRUE(o.payload.text);
  EXPECT_EQ(o.threads, 2u);
  EXPECT_EQ(o.source_ips.size(), 3u);

  auto idle = url_only();
  idle.idle = true;
  idle.ping_interval_s = "0.25";
  ASSERT_EQ(check(idle, o), "");
  EXPECT_EQ(o.model, load_model::idle);
  EXPECT_EQ(o.ping_interval, 250ms);

  auto closed = url_only();
  closed.in_flight = "8";
  ASSERT_EQ(check(closed, o), "");
  EXPECT_EQ(o.model, load_model::closed_loop);
  EXPECT_EQ(o.in_flight, 8u);
}

TEST(LoadOptions, RefusesBadUrls) {
  for (const char* url :
       {"nope", "http://127.0.0.1:9/", "ws://127.0.0.1:0/", "ws://127.0.0.1:99999/", "ws://"}) {
    auto a = url_only();
    a.url = url;
    const auto message = check(a);
    EXPECT_NE(message.find(std::string("bad URL '") + url + "'"), std::string::npos) << message;
  }
}

// Each bad number is refused with a message that starts with the option and its value.
TEST(LoadOptions, RefusesBadNumbersNamingOptionAndValue) {
  struct bad_case {
    void (*set)(load_args&);
    const char* starts;
  };
  const bad_case cases[] = {
      {[](load_args& a) { a.connections = "0"; }, "--connections 0: "},
      {[](load_args& a) { a.connections = "-1"; }, "--connections -1: "},
      {[](load_args& a) { a.connect_rate = "-1"; }, "--connect-rate -1: "},
      {[](load_args& a) { a.connect_rate = "nan"; }, "--connect-rate nan: "},
      {[](load_args& a) { a.max_pending_handshakes = "0"; }, "--max-pending-handshakes 0: "},
      {[](load_args& a) { a.duration_s = "0"; }, "--duration 0: "},
      {[](load_args& a) { a.duration_s = "-2"; }, "--duration -2: "},
      {[](load_args& a) { a.duration_s = "inf"; }, "--duration inf: "},
      {[](load_args& a) { a.duration_s = "1e300"; }, "--duration 1e300: "},
      {[](load_args& a) { a.duration_s = "10s"; }, "--duration 10s: "},
      {[](load_args& a) { a.connections = "abc"; }, "--connections abc: "},
      {[](load_args& a) { a.connections = "1.5"; }, "--connections 1.5: "},
      {[](load_args& a) { a.connections = ""; }, "--connections '': "},
      {[](load_args& a) { a.rate = "fast"; }, "--rate fast: "},
      {[](load_args& a) { a.size = "64k"; }, "--size 64k: must be a whole number"},
      {[](load_args& a) { a.warmup_s = "-1"; }, "--warmup -1: "},
      {[](load_args& a) { a.warmup_s = "nan"; }, "--warmup nan: "},
      {[](load_args& a) { a.rate = "0"; }, "--rate 0: "},
      {[](load_args& a) { a.rate = "-5"; }, "--rate -5: "},
      {[](load_args& a) { a.rate = "inf"; }, "--rate inf: "},
      {[](load_args& a) { a.rate_per_conn = "0"; }, "--rate-per-conn 0: "},
      {[](load_args& a) { a.in_flight = "0"; }, "--in-flight 0: "},
      {[](load_args& a) { a.in_flight = "-3"; }, "--in-flight -3: "},
      {[](load_args& a) {
         a.idle = true;
         a.ping_interval_s = "0";
       },
       "--ping-interval 0: "},
      {[](load_args& a) { a.size = "15"; }, "--size 15: must be at least 16 bytes"},
      {[](load_args& a) { a.size = "-1"; }, "--size -1: must be at least 16 bytes"},
      {[](load_args& a) { a.size = "99999999999"; }, "--size 99999999999: must be at most"},
      {[](load_args& a) { a.size_dist = "10:20"; }, "--size-dist '10:20': MIN must be at least"},
      {[](load_args& a) { a.size_dist = "20:10"; }, "--size-dist '20:10': MIN is larger"},
      {[](load_args& a) { a.size_dist = "16:9999999999"; }, "--size-dist '16:9999999999': MAX"},
      {[](load_args& a) { a.size_dist = "-5:20"; }, "--size-dist '-5:20': must be MIN:MAX"},
      {[](load_args& a) { a.size_dist = "16:20x"; }, "--size-dist '16:20x': must be MIN:MAX"},
      {[](load_args& a) { a.size_dist = "16"; }, "--size-dist '16': must be MIN:MAX"},
      {[](load_args& a) { a.size_dist = ""; }, "--size-dist '': must be MIN:MAX"},
      {[](load_args& a) { a.threads = "0"; }, "--threads 0: "},
      {[](load_args& a) { a.threads = "-2"; }, "--threads -2: "},
  };
  for (const auto& c : cases) {
    auto a = url_only();
    c.set(a);
    const auto message = check(a);
    EXPECT_EQ(message.rfind(c.starts, 0), 0u) << "want '" << c.starts << "…', got: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(LoadOptions, RefusesConflictingOptions) {
  struct conflict {
    void (*set)(load_args&);
    const char* message;
  };
  const conflict cases[] = {
      {[](load_args& a) {
         a.idle = true;
         a.rate = "10";
       },
       "--rate and --idle exclude each other"},
      {[](load_args& a) {
         a.in_flight = "2";
         a.rate = "10";
       },
       "--rate and --in-flight exclude each other"},
      {[](load_args& a) {
         a.in_flight = "2";
         a.idle = true;
       },
       "--in-flight and --idle exclude each other"},
      {[](load_args& a) {
         a.rate = "10";
         a.rate_per_conn = "5";
       },
       "--rate and --rate-per-conn exclude each other"},
      {[](load_args& a) {
         a.send_only = true;
         a.idle = true;
       },
       "--send-only and --idle exclude each other"},
      {[](load_args& a) {
         a.send_only = true;
         a.in_flight = "1";
       },
       "--send-only and --in-flight exclude each other"},
      {[](load_args& a) { a.ping_interval_s = "2"; }, "--ping-interval 2: needs --idle"},
      {[](load_args& a) {
         a.idle = true;
         a.size = "100";
       },
       "--size and --idle exclude each other"},
      {[](load_args& a) {
         a.idle = true;
         a.text_messages = true;
       },
       "--text and --idle exclude each other"},
      {[](load_args& a) {
         a.text_messages = true;
         a.binary = true;
       },
       "--text and --binary exclude each other"},
      {[](load_args& a) {
         a.size = "100";
         a.size_dist = "16:20";
       },
       "--size and --size-dist exclude each other"},
      {[](load_args& a) {
         a.size = "100";
         a.payload_file = "/dev/null";
       },
       "--payload-file and --size exclude each other"},
  };
  for (const auto& c : cases) {
    auto a = url_only();
    c.set(a);
    const auto message = check(a);
    EXPECT_EQ(message.rfind(c.message, 0), 0u) << "want '" << c.message << "…', got: " << message;
  }
  // --send-only goes with the open-loop options.
  auto a = url_only();
  a.send_only = true;
  a.rate = "100";
  load_options o;
  EXPECT_EQ(check(a, o), "");
  EXPECT_TRUE(o.send_only);
}

TEST_F(LoadOptionsFiles, PayloadFileMustBeReadableLongEnoughAndTextWhenSentAsText) {
  const auto refused = [](const std::string& path, bool text, const std::string& why) {
    auto a = url_only();
    a.payload_file = path;
    a.text_messages = text;
    const auto message = check(a);
    EXPECT_EQ(message.rfind("--payload-file '" + path + "': " + why, 0), 0u) << message;
  };
  refused((dir_ / "missing").string(), false, "cannot read it (No such file or directory)");
  refused("", false, "cannot read it");
  refused(dir_.string(), false, "not a regular file");
  refused(file("empty", ""), false, "holds 0 bytes, at least 16 are needed");
  refused(file("short", std::string(15, 'x')), false, "holds 15 bytes, at least 16 are needed");
  const std::string binary = std::string(16, 'x') + "ok\xff\xfe";
  refused(file("binary", binary), true, "not valid UTF-8 at byte 18");
  // Cut in the middle of a code point (é is C3 A9): not valid either.
  refused(file("cut", std::string(16, 'x') + "\xc3"), true, "not valid UTF-8");

  // The same binary bytes are fine as binary messages, and valid UTF-8 as text.
  auto a = url_only();
  a.payload_file = file("binary2", binary);
  load_options o;
  ASSERT_EQ(check(a, o), "");
  EXPECT_EQ(std::string(o.payload.fixed.begin(), o.payload.fixed.end()), binary);
  a.payload_file = file("text", std::string(16, '\xff') + "caf\xc3\xa9");  // stamp goes over 0-15
  a.text_messages = true;
  EXPECT_EQ(check(a, o), "");
}

TEST(LoadOptions, SourceIpsAreLocalAddressesOfOneFamily) {
  const auto message = [](std::vector<std::string> ips) {
    auto a = url_only();
    a.source_ips = std::move(ips);
    return check(a);
  };
  EXPECT_EQ(message({"127.0.0.1", "127.0.0.2,127.0.0.3"}), "");
  EXPECT_EQ(message({"nope"}), "--source-ip 'nope': not an IP address");
  EXPECT_EQ(message({""}), "--source-ip '': not an IP address");
  EXPECT_EQ(message({"127.0.0.1,"}), "--source-ip '127.0.0.1,': not an IP address");
  EXPECT_EQ(message({"127.0.0.1,,127.0.0.2"}), "--source-ip '': not an IP address");
  EXPECT_EQ(message({"127.0.0.1,::1"}).rfind("--source-ip 127.0.0.1 and ::1: IPv4 and IPv6", 0),
            0u);
  // 192.0.2.1 (TEST-NET-1) is no address of this machine, unless the kernel lets any address be
  // bound (net.ipv4.ip_nonlocal_bind).
  std::ifstream nonlocal("/proc/sys/net/ipv4/ip_nonlocal_bind");
  int any_address = 0;
  nonlocal >> any_address;
  if (any_address == 0) {
    EXPECT_EQ(
        message({"192.0.2.1"}).rfind("--source-ip 192.0.2.1: not an address of this machine", 0),
        0u);
  }
}

// "--shard ''" (an unset variable) must not run the whole load unsharded on every machine, nor
// "--start-at ''" start the shards whenever each is ready.
TEST(LoadOptions, EmptyShardOrStartAtIsAnErrorNotAnAbsence) {
  auto a = url_only();
  a.shard = "";
  EXPECT_EQ(check(a).rfind("--shard must be K/N", 0), 0u) << check(a);
  a = url_only();
  a.start_at = "";
  EXPECT_EQ(check(a).rfind("--start-at '': not a time", 0), 0u) << check(a);
}

TEST(LoadOptions, ShardTakesItsShareOfTheTotals) {
  auto a = url_only();
  a.connections = "10";
  a.rate = "1000";
  a.connect_rate = "100";
  a.shard = "1/4";
  load_options o;
  ASSERT_EQ(check(a, o), "");
  ASSERT_TRUE(o.shard);
  EXPECT_EQ(o.connections, 3u);
  EXPECT_EQ(o.total_connections, 10u);
  EXPECT_EQ(o.rate, 300);
  EXPECT_EQ(o.total_rate, 1000);
  EXPECT_TRUE(o.series_histograms);

  a.shard = "auto/4";
  ASSERT_EQ(check(a, o, "3"), "");
  EXPECT_EQ(o.shard->index, 3u);
  EXPECT_EQ(o.connections, 2u);

  EXPECT_EQ(check(a, o, nullptr).rfind("--shard auto/N reads the shard index", 0), 0u);
  a.shard = "4/4";
  EXPECT_EQ(check(a, o).rfind("--shard 4/4: ", 0), 0u);
  a.shard = "0/20";
  EXPECT_EQ(check(a, o).rfind("--shard 0/20: 10 connections cannot be split", 0), 0u);
  a.shard = "0/4";
  a.rate = "1";
  EXPECT_EQ(check(a, o).rfind("--shard 0/4: the rate is too small", 0), 0u);
}

TEST(LoadOptions, StartAtWithinSevenDaysEitherWay) {
  auto a = url_only();
  load_options o;
  a.start_at = "2026-12-03T10:00:30Z";
  ASSERT_EQ(check(a, o), "");
  EXPECT_EQ(*o.start_at, fixed_now + 30s);
  a.start_at = "2026-12-01T10:00:00Z";  // two days late: starts now, with a warning
  EXPECT_EQ(check(a, o), "");
  a.start_at = "2026-12-11T10:00:00Z";
  EXPECT_EQ(check(a, o),
            "--start-at '2026-12-11T10:00:00Z' (2026-12-11T10:00:00.000Z) is more than 7 days "
            "away");
  a.start_at = "0";  // an unset variable's 0, or seconds for milliseconds
  EXPECT_EQ(check(a, o), "--start-at '0' (1970-01-01T00:00:00.000Z) was more than 7 days ago");
  a.start_at = "2026-12-03T10:00:00";
  EXPECT_EQ(check(a, o).rfind("--start-at '2026-12-03T10:00:00': ", 0), 0u);
}

TEST_F(LoadOptionsFiles, CaFileMustBeReadable) {
  auto a = url_only();
  a.url = "wss://127.0.0.1:9001/";
  a.ca_file = (dir_ / "missing.pem").string();
  EXPECT_EQ(check(a), "--ca '" + *a.ca_file + "': cannot read it (No such file or directory)");
  a.ca_file = file("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  load_options o;
  EXPECT_EQ(check(a, o), "");
  EXPECT_EQ(o.tls.ca_file, *a.ca_file);
}

}  // namespace
}  // namespace wsprobe::load
