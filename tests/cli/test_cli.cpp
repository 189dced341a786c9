// The `stampede` executable end to end: exit statuses, no half-written output, determinism
// through the command line (threads, shards + merge, kill + resume), report and list.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "cli_helpers.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"

namespace fs = std::filesystem;
using namespace stampede;
using namespace stampede::testing;

namespace {

// Everything that must not depend on threads, shards or interruption: the per-path datasets and
// the summary (meta fields like wall time, threads and shard are allowed to differ).
void require_same_results(const RunData& a, const RunData& b) {
  REQUIRE(a.paths.size() == b.paths.size());
  for (std::size_t i = 0; i < a.paths.size(); ++i) {
    REQUIRE(a.paths[i].id == b.paths[i].id);
    REQUIRE(a.paths[i].first_step == b.paths[i].first_step);
    REQUIRE(bitwise_equal(a.paths[i].finals, b.paths[i].finals));
    REQUIRE(bitwise_equal(a.paths[i].series, b.paths[i].series));
  }
  REQUIRE(a.bands == b.bands);
  REQUIRE(a.meta.config_sha256 == b.meta.config_sha256);
  REQUIRE(summary_json(summarize(a), a.meta).size() > 0);
  // The summaries agree exactly (compared on the JSON without the run-specific meta).
  const Summary sa = summarize(a), sb = summarize(b);
  REQUIRE(sa.events.size() == sb.events.size());
  for (std::size_t e = 0; e < sa.events.size(); ++e) {
    REQUIRE(sa.events[e].count == sb.events[e].count);
    REQUIRE(bitwise_equal(sa.events[e].by_time, sb.events[e].by_time));
  }
}

}  // namespace

TEST_CASE("run writes a complete result file and prints a summary") {
  TempDir dir("run");
  const auto out = dir.path("smoke.h5");
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--paths", "3", "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".partial"));
  CHECK_FALSE(fs::exists(out + ".ckpt"));
  CHECK(r.out.find("depeg") != std::string::npos);
  const RunData data = read_results(out);
  CHECK(data.paths.size() == 3);
  CHECK(data.meta.protocol == "kai");
  // report reads the same summary back.
  const auto rep = run_cli({"report", out});
  CHECK(rep.status == 0);
  CHECK(rep.out == r.out);
  const auto js = run_cli({"report", out, "--json"});
  CHECK(js.status == 0);
  CHECK(js.out.find("\"depeg\"") != std::string::npos);
}

TEST_CASE("1 and 2 threads give bit-identical results through the CLI") {
  TempDir dir("threads");
  const auto a = dir.path("t1.h5"), b = dir.path("t2.h5");
  REQUIRE(run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", a, "--paths", "4", "--threads", "1", "--quiet"}).status == 0);
  REQUIRE(run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", b, "--paths", "4", "--threads", "2", "--quiet"}).status == 0);
  require_same_results(read_results(a), read_results(b));
}

TEST_CASE("shards 1/2 + 2/2 merged equal the unsharded run") {
  TempDir dir("shards");
  const auto whole = dir.path("whole.h5"), s1 = dir.path("s1.h5"), s2 = dir.path("s2.h5"), merged = dir.path("m.h5");
  const std::string cfg = source_path("configs/kai-smoke.yaml");
  REQUIRE(run_cli({"run", cfg, "-o", whole, "--paths", "5", "--quiet"}).status == 0);
  REQUIRE(run_cli({"run", cfg, "-o", s1, "--paths", "5", "--shard", "1/2", "--quiet"}).status == 0);
  REQUIRE(run_cli({"run", cfg, "-o", s2, "--paths", "5", "--shard", "2/2", "--quiet"}).status == 0);
  const auto m = run_cli({"merge", s2, s1, "-o", merged});
  INFO(m.err);
  REQUIRE(m.status == 0);
  require_same_results(read_results(whole), read_results(merged));
  // Overlapping shards and different configs are refused.
  const auto overlap = run_cli({"merge", s1, s1, "-o", dir.path("bad.h5")});
  CHECK(overlap.status == 2);
  CHECK_FALSE(fs::exists(dir.path("bad.h5")));
  const auto other = dir.path("other.h5");
  REQUIRE(run_cli({"run", cfg, "-o", other, "--paths", "5", "--shard", "2/2", "--seed", "99", "--quiet"}).status == 0);
  const auto mismatch = run_cli({"merge", s1, other, "-o", dir.path("bad2.h5")});
  CHECK(mismatch.status == 2);
  CHECK(mismatch.err.find("seed") != std::string::npos);
}

TEST_CASE("a run killed midway and resumed equals the uninterrupted run") {
  TempDir dir("resume");
  const std::string cfg = source_path("configs/kai-smoke.yaml");
  const auto whole = dir.path("whole.h5"), killed = dir.path("killed.h5");
  const std::vector<std::string> common = {"--paths", "8", "--threads", "1", "--quiet", "--set", "agents.count=4000"};
  auto args = std::vector<std::string>{"run", cfg, "-o", whole};
  args.insert(args.end(), common.begin(), common.end());
  REQUIRE(run_cli(args).status == 0);

  // Start the same run, wait until the checkpoint holds at least two paths, then SIGKILL it.
  args = {"run", cfg, "-o", killed};
  args.insert(args.end(), common.begin(), common.end());
  const pid_t pid = spawn_cli(args);
  const auto ckpt = killed + ".ckpt";
  bool saw = false;
  for (int k = 0; k < 600 && !saw; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    saw = fs::exists(ckpt) && checkpoint_records(ckpt) >= 2;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(saw);
  CHECK_FALSE(fs::exists(killed));  // no result file from a killed run
  args.push_back("--resume");
  const auto resumed = run_cli(args);
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  require_same_results(read_results(whole), read_results(killed));
}

TEST_CASE("SIGINT leaves no result file and exits 130") {
  TempDir dir("sigint");
  const auto out = dir.path("int.h5");
  const pid_t pid = spawn_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--paths", "64", "--threads", "1",
                               "--quiet", "--set", "agents.count=4000"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".partial"));
}

TEST_CASE("validate, list and argument errors") {
  const auto ok = run_cli({"validate", source_path("configs/kai.yaml")});
  CHECK(ok.status == 0);
  const auto list = run_cli({"list"});
  CHECK(list.status == 0);
  CHECK(list.out.find("kai.expansion_threshold") != std::string::npos);
  CHECK(list.out.find("0.995") != std::string::npos);
  CHECK(run_cli({"list", "nope"}).status == 2);
  CHECK(run_cli({"run"}).status == 2);
  CHECK(run_cli({"frobnicate"}).status == 2);
  CHECK(run_cli({"run", source_path("configs/kai-smoke.yaml"), "--shard", "3/2"}).status == 2);
  CHECK(run_cli({"run", source_path("configs/kai-smoke.yaml"), "--threads", "0"}).status == 2);
  CHECK(run_cli({"report", "/nonexistent/file.h5"}).status == 2);
  TempDir dir("foreign");
  const auto txt = dir.path("notes.h5");
  std::ofstream(txt) << "not an HDF5 file\n";
  const auto foreign = run_cli({"report", txt});
  CHECK(foreign.status == 2);
  CHECK(foreign.err.find(txt) != std::string::npos);
}

TEST_CASE("a run that cannot fit in memory is refused before allocating") {
  TempDir dir("mem");
  const auto out = dir.path("huge.h5");
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--set", "agents.count=100000000",
                          "--threads", "8", "--paths", "8"});
  CHECK(r.status == 2);
  CHECK(r.err.find("agents.count") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
}
