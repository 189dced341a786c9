// Rare-event splitting through the command line: it agrees with brute force where brute force
// can check it, its shards merge to the whole, and report says what it cost.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli_helpers.hpp"
#include "engine/output/results_file.hpp"

using namespace stampede;
using namespace stampede::testing;

namespace {
#ifdef __SANITIZE_ADDRESS__
const std::string kRuns = "method.splitting.runs=4";  // the sanitizers check the code, not the statistics
const std::string kShardRuns = "method.splitting.runs=2";
#else
const std::string kRuns = "method.splitting.runs=30";
const std::string kShardRuns = "method.splitting.runs=4";
#endif
// KSN with a −10% crash on day 3 of 6, 2,000 agents: P(bank_run) ≈ 0.13, checkable by brute force.
const std::vector<std::string> kSets = {"--set", "agents.count=2000", "--set", "horizon=6d", "--set",
                                        "market.shocks[0].at=3d", "--set", "market.shocks[0].size=-0.1"};
std::vector<std::string> args(std::vector<std::string> head, const std::vector<std::string>& tail = {}) {
  head.insert(head.end(), kSets.begin(), kSets.end());
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}
}  // namespace

TEST_CASE("splitting agrees with brute force on a KSN bank run; shards merge; report shows the cost") {
  TempDir dir("splitting");
  const std::string cfg = source_path("configs/ksn-crash.yaml");
  const auto ams = dir.path("ams.h5");
  const auto r = run_cli(args({"run", cfg, "-o", ams, "--quiet", "--splitting", "20"}, {"--set", kRuns}));
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("P(bank_run) = ") != std::string::npos);
  CHECK(r.out.find("path-steps") != std::string::npos);
  const SplittingData d = read_splitting(ams);
  REQUIRE(d.runs.size() == (kRuns.back() == '4' ? 4u : 30u));
  const SplittingEstimate e = combine_runs(d.runs);
#ifndef __SANITIZE_ADDRESS__  // 1,000 brute-force paths: too slow under the sanitizers, the rest is not
  const auto bf = dir.path("bf.h5");
  REQUIRE(run_cli(args({"run", cfg, "-o", bf, "--quiet", "--paths", "1000"})).status == 0);
  const auto js = nlohmann::json::parse(run_cli({"report", bf, "--json"}).out);
  const double lo = js["events"]["bank_run"]["ci_low"], hi = js["events"]["bank_run"]["ci_high"];
  CAPTURE(e.p);
  CAPTURE(lo);
  CAPTURE(hi);
  // The two 95% intervals overlap, and AMS's estimate is within brute force's interval widened
  // by its own.
  CHECK(e.low <= hi);
  CHECK(e.high >= lo);
#endif
  CHECK(e.p > 0.0);
  // Shards split the runs; merged, they are the whole.
  const auto s1 = dir.path("s1.h5"), s2 = dir.path("s2.h5"), m = dir.path("m.h5");
  const std::vector<std::string> split = {"--splitting", "20", "--set", kShardRuns};
  const auto whole = dir.path("whole.h5");
  auto a = args({"run", cfg, "-o", whole, "--quiet"}, split);
  REQUIRE(run_cli(a).status == 0);
  a = args({"run", cfg, "-o", s1, "--quiet", "--shard", "1/2", "--threads", "1"}, split);
  REQUIRE(run_cli(a).status == 0);
  a = args({"run", cfg, "-o", s2, "--quiet", "--shard", "2/2"}, split);
  REQUIRE(run_cli(a).status == 0);
  REQUIRE(run_cli({"merge", s2, s1, "-o", m}).status == 0);
  const SplittingData w = read_splitting(whole), mm = read_splitting(m);
  REQUIRE(w.runs.size() == mm.runs.size());
  for (std::size_t i = 0; i < w.runs.size(); ++i) {
    CHECK(w.runs[i].run == mm.runs[i].run);
    CHECK(w.runs[i].estimate == mm.runs[i].estimate);
    CHECK(w.runs[i].path_steps == mm.runs[i].path_steps);
  }
  CHECK(mm.meta.shard == "all");
  if (std::filesystem::exists("/usr/bin/python3")) {
    // scripts/same-results compares /splitting: the merged shards hold the whole's results, a
    // run with other runs does not.
    const std::string same = source_path("scripts/same-results");
    CHECK(std::system((same + " " + whole + " " + m + " >/dev/null").c_str()) == 0);
    CHECK(std::system((same + " " + whole + " " + ams + " >/dev/null").c_str()) != 0);
    const auto pics = dir.path("pics");
    REQUIRE(run_cli({"plot", ams, "-o", pics}).status == 0);
    CHECK(std::filesystem::file_size(pics + "/splitting-runs.png") > 5000);
  }
  // An event without a score is refused, naming those with one.
  const auto bad2 = run_cli(args({"run", cfg, "-o", dir.path("k2.h5"), "--splitting", "10"},
                                 {"--set", "method.splitting.event=rfv_deficit"}));
  CHECK(bad2.status == 2);
  CHECK(bad2.err.find("events with a score: bank_run") != std::string::npos);
}

namespace {
// The completed AMS runs a splitting checkpoint holds (its "runs N" line), 0 if unreadable.
int splitting_checkpoint_runs(const std::string& file) {
  std::ifstream f(file);
  std::string magic, tag, word;
  int n = 0;
  if (std::getline(f, magic) && std::getline(f, tag) && (f >> word >> n) && word == "runs") return n;
  return 0;
}
}  // namespace

TEST_CASE("a splitting run stopped by SIGTERM keeps its completed runs; --resume finishes the same file") {
  TempDir dir("splitting-resume");
  const std::string cfg = source_path("configs/ksn-crash.yaml");
  const auto whole = dir.path("whole.h5"), term = dir.path("term.h5");
  const std::vector<std::string> common = {"--splitting", "20", "--threads", "1", "--quiet", "--set",
                                           "method.splitting.runs=12"};
  REQUIRE(run_cli(args({"run", cfg, "-o", whole}, common)).status == 0);

  const pid_t pid = spawn_cli(args({"run", cfg, "-o", term}, common));
  bool saw = false;
  for (int k = 0; k < 3000 && !saw; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    saw = splitting_checkpoint_runs(term + ".ckpt") >= 1;
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(saw);
  REQUIRE(WIFEXITED(status));  // it stops by itself, not killed by the signal
  CHECK(WEXITSTATUS(status) == 143);
  CHECK_FALSE(std::filesystem::exists(term));
  const int saved = splitting_checkpoint_runs(term + ".ckpt");
  CHECK(saved >= 1);
  CHECK(saved < 12);
  // Without --resume (or --force) the checkpoint is not silently discarded.
  const auto refused = run_cli(args({"run", cfg, "-o", term}, common));
  CHECK(refused.status == 2);
  CHECK(refused.err.find("pass --resume") != std::string::npos);
  auto resume = args({"run", cfg, "-o", term, "--resume"}, common);
  resume.erase(std::find(resume.begin(), resume.end(), "--quiet"));
  const auto resumed = run_cli(resume);
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  CHECK(resumed.err.find("resuming: " + std::to_string(saved) + " completed splitting runs") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(term + ".ckpt"));
  const SplittingData w = read_splitting(whole), t = read_splitting(term);
  REQUIRE(w.runs.size() == t.runs.size());
  for (std::size_t i = 0; i < w.runs.size(); ++i) {
    CHECK(w.runs[i].run == t.runs[i].run);
    CHECK(w.runs[i].estimate == t.runs[i].estimate);
    CHECK(w.runs[i].path_steps == t.runs[i].path_steps);
  }
  // A checkpoint of another configuration is refused by name.
  std::ofstream(dir.path("other.h5.ckpt")) << "stampede-splitting-checkpoint 1\ntag x\nruns 0\ncrc 00000000\n";
  const auto other = run_cli(args({"run", cfg, "-o", dir.path("other.h5"), "--resume"}, common));
  CHECK(other.status == 2);
  CHECK(other.err.find("other.h5.ckpt") != std::string::npos);
}
