// Beyond one machine (docs/cluster.md): `run --dry-run` sizing, SIGTERM (what Slurm sends on
// preemption, time limit and scancel) leaving a resumable run, and a run spread over MPI ranks
// (engine/cli/ranks.hpp) driven here through a stand-in for MPI, one rank after another.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "cli_helpers.hpp"
#include "engine/cli/ranks.hpp"
#include "engine/cli/sizing.hpp"
#include "engine/core/errors.hpp"
#include "engine/output/results_file.hpp"
#include "engine/protocols/builtin.hpp"
#include "same_results.hpp"

namespace fs = std::filesystem;
using namespace stampede;
using namespace stampede::testing;

namespace {

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

std::size_t files_in(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

// MPI's part, for one process playing every rank in turn: what the other ranks' statuses would be
// is told in advance (`others`: the worst of theirs, `rank0`: rank 0's).
class ScriptedRanks final : public Ranks {
 public:
  ScriptedRanks(int rank, int size, int others = 0, int rank0 = 0) : rank_(rank), size_(size), others_(others), rank0_(rank0) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int worst(int status) override { return std::max(status, others_); }
  int first(int value) override { return rank_ == 0 ? value : rank0_; }

 private:
  int rank_, size_, others_, rank0_;
};

// std::cout and std::cerr of an in-process call.
struct Captured {
  int status = -1;
  std::string out, err;
};
template <class F>
Captured capture(F&& f) {
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  Captured c;
  try {
    c.status = f();
  } catch (...) {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    throw;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  c.out = out.str();
  c.err = err.str();
  return c;
}

RunArgs smoke_args(const std::string& out) {
  RunArgs a;
  a.config = source_path("configs/kai-smoke.yaml");
  a.output = out;
  a.paths = 7;
  a.quiet = true;
  a.threads = 1;
  return a;
}

}  // namespace

TEST_CASE("wall times: the engine's durations and Slurm's spellings") {
  CHECK(parse_wall_time("2h") == 7200);
  CHECK(parse_wall_time("90m") == 5400);
  CHECK(parse_wall_time("1.5h") == 5400);
  CHECK(parse_wall_time("120") == 7200);          // Slurm: minutes
  CHECK(parse_wall_time("30:00") == 1800);        // minutes:seconds
  CHECK(parse_wall_time("2:00:00") == 7200);      // hours:minutes:seconds
  CHECK(parse_wall_time("1-00") == 86400);        // days-hours
  CHECK(parse_wall_time("1-02:30") == 95400);     // days-hours:minutes
  CHECK(parse_wall_time("1-02:30:05") == 95405);  // days-hours:minutes:seconds
  for (const char* bad : {"", "0", "0:00:00", "2x", "-1", "1:2:3:4", "a-1", "1-", ":", "h"})
    CHECK_MESSAGE(!parse_wall_time(bad), bad);
  CHECK(slurm_time(7200) == "2:00:00");
  CHECK(slurm_time(95405) == "1-02:30:05");
  CHECK(slurm_time(59) == "0:00:59");
}

TEST_CASE("sizing arithmetic: waves of paths, paths per task in 80% of the wall time, tasks") {
  // 10 s per path, 4 threads: 10 paths are 3 waves.
  Sizing z = size_run(10.0, 10, 100, 4, 0);
  CHECK(z.run_seconds == doctest::Approx(30.0));
  CHECK(z.paths_per_task == 0);
  CHECK(z.tasks == 0);
  // 1 h: 0.8 x 3600 / 10 = 288 paths per thread, 1152 per task of 4; 100 paths in 1 task.
  z = size_run(10.0, 100, 100, 4, 3600);
  CHECK(z.paths_per_task == 100);
  CHECK(z.tasks == 1);
  z = size_run(10.0, 5000, 5000, 4, 3600);
  CHECK(z.paths_per_task == 1152);
  CHECK(z.tasks == 5);  // ceil(5000 / 1152)
  // A path longer than 80% of the wall time fits in no task.
  z = size_run(100.0, 10, 10, 2, 120);
  CHECK(z.paths_per_task == 0);
  CHECK(z.tasks == 0);
  CHECK(human_seconds(0.0000123) == "12.3 us");
  CHECK(human_seconds(0.5) == "500 ms");
  CHECK(human_seconds(90) == "90.0 s");
  CHECK(human_seconds(600) == "10.0 min");
  CHECK(human_seconds(3 * 3600.0) == "3.0 h");
}

TEST_CASE("run --dry-run: memory, a calibration path and the tasks for a wall time; nothing written") {
  TempDir dir("dryrun");
  const std::string out = dir.path("never.h5");
  const std::string cfg = source_path("configs/kai-smoke.yaml");
  auto r = run_cli({"run", cfg, "-o", out, "--dry-run", "--wall-time", "2h", "--threads", "2", "--paths", "8"});
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(files_in(dir.path("")) == 0);
  CHECK(has(r.out, "dry run of " + cfg + ": kai, 8 paths x 240 steps, 2000 agents per path"));
  CHECK(has(r.out, "memory per process: 2000 agents x "));
  CHECK(has(r.out, "2 paths in flight (2 threads)"));
  CHECK(has(r.out, "calibration: path 0 on one thread: start "));
  CHECK(has(r.out, "240 of 240 steps in "));  // a tiny path is timed whole
  CHECK(has(r.out, "this run: 8 paths on 2 threads: about "));
  CHECK(has(r.out, "wall time 2:00:00: a task of 2 threads runs up to 8 paths"));
  CHECK(has(r.out, "need 1 array task"));
  CHECK(has(r.out, "scripts/slurm/submit --time=2:00:00 --cpus-per-task=2 --mem="));
  CHECK(has(r.out, " 1 " + out + " --paths 8"));

  // A shard, a sweep, a precision target, and a horizon extrapolated from its first steps.
  r = run_cli({"run", cfg, "--dry-run", "--shard", "2/4", "-o", out});
  CHECK(r.status == 0);
  CHECK(has(r.out, "; shard 2/4 (2 paths)"));
  CHECK(has(r.out, "calibration: path 2 on one thread"));
  CHECK(has(r.out, "give --wall-time"));
  r = run_cli({"sweep", source_path("configs/kai-crash-ladder.yaml"), "--dry-run", "--set", "agents.count=500",
               "--paths", "4", "--wall-time", "1h", "-o", out});
  CHECK(r.status == 0);
  CHECK(has(r.out, "6 points"));
  CHECK(has(r.out, "4 paths at each of 6 points"));
  r = run_cli({"run", cfg, "--dry-run", "--ci-half-width", "0.1", "--max-paths", "300", "-o", out});
  CHECK(r.status == 0);
  CHECK(has(r.out, "at most 300 paths"));
  CHECK(has(r.out, "cannot be cut into array tasks"));
  r = run_cli({"run", source_path("configs/kai.yaml"), "--dry-run", "--set", "agents.count=200000", "-o", out});
  CHECK(r.status == 0);
  CHECK(has(r.out, "(extrapolated)"));
  CHECK(files_in(dir.path("")) == 0);

  // An existing output does not matter to a dry run; a bad wall time or one without --dry-run does.
  { std::ofstream(out) << "x"; }
  CHECK(run_cli({"run", cfg, "--dry-run", "-o", out}).status == 0);
  r = run_cli({"run", cfg, "--dry-run", "--wall-time", "2 hours", "-o", out});
  CHECK(r.status == 2);
  CHECK(has(r.err, "--wall-time: expected a duration"));
  r = run_cli({"run", cfg, "--wall-time", "2h", "-o", dir.path("x.h5")});
  CHECK(r.status == 2);
  CHECK(has(r.err, "--wall-time sizes array tasks; it goes with --dry-run"));
  CHECK_FALSE(fs::exists(dir.path("x.h5")));
}

TEST_CASE("SIGTERM (Slurm's preemption, time limit, scancel) saves the completed paths; --resume finishes the same file") {
  TempDir dir("sigterm");
  const std::string cfg = source_path("configs/kai-smoke.yaml");
  const auto whole = dir.path("whole.h5"), term = dir.path("term.h5");
  const std::vector<std::string> common = {"--paths", "6", "--threads", "1", "--quiet", "--set", "agents.count=40000",
                                           "--checkpoint-every", "0"};
  auto args = std::vector<std::string>{"run", cfg, "-o", whole};
  args.insert(args.end(), common.begin(), common.end());
  REQUIRE(run_cli(args).status == 0);

  args = {"run", cfg, "-o", term};
  args.insert(args.end(), common.begin(), common.end());
  const pid_t pid = spawn_cli(args);
  bool saw = false;
  for (int k = 0; k < 600 && !saw; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    saw = checkpoint_records(term + ".ckpt") >= 1;
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(saw);
  REQUIRE(WIFEXITED(status));  // it exits by itself, not killed by the signal
  CHECK(WEXITSTATUS(status) == 143);
  CHECK_FALSE(fs::exists(term));
  const int saved = checkpoint_records(term + ".ckpt");
  CHECK(saved >= 1);
  CHECK(saved < 6);
  args.push_back("--resume");
  args.erase(std::find(args.begin(), args.end(), "--quiet"));
  const auto resumed = run_cli(args);
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  CHECK(has(resumed.err, "resuming: " + std::to_string(saved) + " completed path"));
  require_same_results(read_results(whole), read_results(term));
}

TEST_CASE("a run over ranks: parts merged by rank 0 equal the single process's file") {
  TempDir dir("ranks");
  const auto& protocols = builtin_protocols();
  const std::string single = dir.path("single.h5"), out = dir.path("ranks.h5");
  const auto one = capture([&] { return command_run(smoke_args(single), protocols); });
  REQUIRE(one.status == 0);
  CHECK(rank_part_file(out, 1, 3) == out + ".rank2of3.h5");

  // Ranks 3 and 2 first (they only write their parts), then rank 1, which merges.
  for (int k : {2, 1}) {
    ScriptedRanks r(k, 3);
    const auto c = capture([&] { return run_over_ranks(smoke_args(out), protocols, r); });
    INFO(c.err);
    REQUIRE(c.status == 0);
    CHECK(c.out.empty());  // only rank 0 prints a summary
    CHECK(fs::exists(rank_part_file(out, k, 3)));
    CHECK(read_results(rank_part_file(out, k, 3)).meta.shard == std::to_string(k + 1) + "/3");
  }
  CHECK_FALSE(fs::exists(out));
  ScriptedRanks r0(0, 3);
  const auto c = capture([&] { return run_over_ranks(smoke_args(out), protocols, r0); });
  INFO(c.err);
  REQUIRE(c.status == 0);
  CHECK(c.out == one.out);  // the merged file's summary, as one process prints it
  require_same_results(read_results(single), read_results(out));
  CHECK(read_results(out).meta.shard == "all");
  for (int k = 0; k < 3; ++k) CHECK_FALSE(fs::exists(rank_part_file(out, k, 3)));
}

TEST_CASE("a run over ranks: a failed rank fails every rank; --resume keeps the parts that completed") {
  TempDir dir("ranks_fail");
  const auto& protocols = builtin_protocols();
  const std::string single = dir.path("single.h5"), out = dir.path("r.h5");
  REQUIRE(capture([&] { return command_run(smoke_args(single), protocols); }).status == 0);

  // Rank 2 of 2 completes; rank 1 too, but rank 2 "was interrupted" (143): nobody merges.
  {
    ScriptedRanks r1(1, 2);
    REQUIRE(capture([&] { return run_over_ranks(smoke_args(out), protocols, r1); }).status == 0);
    ScriptedRanks r0(0, 2, /*others=*/143);
    const auto c = capture([&] { return run_over_ranks(smoke_args(out), protocols, r0); });
    CHECK(c.status == 143);
    CHECK(c.out.empty());
    CHECK(has(c.err, "not every rank completed (exit status 143); no " + out + " was written"));
    CHECK_FALSE(fs::exists(out));
    CHECK(fs::exists(rank_part_file(out, 0, 2)));
    CHECK(fs::exists(rank_part_file(out, 1, 2)));
  }
  // Without --resume the parts are not silently reused or overwritten.
  {
    ScriptedRanks r0(0, 2);
    const auto c = capture([&] { return run_over_ranks(smoke_args(out), protocols, r0); });
    CHECK(c.status == 2);
    CHECK(has(c.err, "rank 1/2: " + rank_part_file(out, 0, 2) + " is a part (shard 1/2) left by an earlier run"));
  }
  // With --resume both ranks keep their parts, and rank 0 merges them.
  RunArgs resume = smoke_args(out);
  resume.resume = true;
  {
    ScriptedRanks r1(1, 2);
    const auto c = capture([&] { return run_over_ranks(resume, protocols, r1); });
    CHECK(c.status == 0);
    CHECK(has(c.err, "rank 2/2: " + rank_part_file(out, 1, 2) + " is complete from an earlier attempt; kept"));
    ScriptedRanks r0(0, 2);
    const auto c0 = capture([&] { return run_over_ranks(resume, protocols, r0); });
    INFO(c0.err);
    CHECK(c0.status == 0);
  }
  require_same_results(read_results(single), read_results(out));

  // A part of another run (here another seed) is not kept, even with --resume.
  const std::string other = dir.path("other.h5");
  RunArgs seeded = smoke_args(other);
  seeded.seed = "99";
  {
    ScriptedRanks r0(0, 2, 0);
    // Rank 1 writes its part with seed 99 and "fails" elsewhere: the part stays.
    ScriptedRanks failing(0, 2, /*others=*/1);
    CHECK(capture([&] { return run_over_ranks(seeded, protocols, failing); }).status == 1);
    RunArgs again = smoke_args(other);
    again.resume = true;
    const auto c = capture([&] { return run_over_ranks(again, protocols, r0); });
    CHECK(c.status == 2);
    CHECK(has(c.err, "left by an earlier run under MPI of another configuration, seed or paths"));
  }
}

TEST_CASE("a run over ranks: refusals (precision target, --shard, more ranks than paths), said by rank 0 alone") {
  TempDir dir("ranks_refuse");
  const auto& protocols = builtin_protocols();
  const std::string out = dir.path("x.h5");
  RunArgs target = smoke_args(out);
  target.ci_half_width = 0.2;
  ScriptedRanks r1(1, 2, 2, /*rank0=*/2), r0(0, 2, 2, 2);
  auto c = capture([&] { return run_over_ranks(target, protocols, r1); });
  CHECK(c.status == 2);
  CHECK(c.err.empty());  // rank 0 failed alike and says why
  c = capture([&] { return run_over_ranks(target, protocols, r0); });
  CHECK(c.status == 2);
  CHECK(has(c.err, "cannot be spread over MPI ranks"));
  RunArgs sharded = smoke_args(out);
  sharded.shard = "1/2";
  c = capture([&] { return run_over_ranks(sharded, protocols, r0); });
  CHECK(c.status == 2);
  CHECK(has(c.err, "under MPI every rank runs its own shard"));
  ScriptedRanks many(0, 8, 2, 2);
  c = capture([&] { return run_over_ranks(smoke_args(out), protocols, many); });
  CHECK(c.status == 2);
  CHECK(has(c.err, "8 ranks for 7 paths: some ranks would hold none; use at most 7 ranks"));
  // One rank: a precision target runs.
  ScriptedRanks alone(0, 1);
  c = capture([&] { return run_over_ranks(target, protocols, alone); });
  INFO(c.err);
  CHECK(c.status == 0);
  CHECK(fs::exists(out));
  CHECK(files_in(dir.path("")) == 1);
}
