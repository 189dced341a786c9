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

#include <tbb/task_arena.h>

#include <algorithm>

#include "cli_helpers.hpp"
#include "same_results.hpp"
#include "engine/cli/memory.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"

namespace fs = std::filesystem;
using namespace stampede;
using namespace stampede::testing;


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
  // An incomplete set: merged as asked, or refused with --require-complete (nothing written).
  const auto partial = dir.path("partial.h5");
  const auto incomplete = run_cli({"merge", s1, "-o", partial, "--require-complete"});
  CHECK(incomplete.status == 2);
  CHECK(incomplete.err.find("--require-complete: the inputs hold 2 of 5 paths") != std::string::npos);
  CHECK_FALSE(fs::exists(partial));
  CHECK(run_cli({"merge", s1, s2, "-o", partial, "--require-complete"}).status == 0);
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
  const std::vector<std::string> common = {"--paths", "8", "--threads", "1", "--quiet", "--set", "agents.count=40000",
                                           "--checkpoint-every", "0"};
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
                               "--quiet", "--set", "agents.count=40000"});
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
  // 10^8 agents need about 10 GiB a path: more than this job's 4 GiB (whatever the machine has).
  const std::vector<std::pair<std::string, std::string>> limit = {{"STAMPEDE_MEMORY_LIMIT", "4G"}};
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--set", "agents.count=100000000",
                          "--threads", "8", "--paths", "8"},
                         limit);
  CHECK(r.status == 2);
  CHECK(r.err.find("agents.count") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  // validate prints the estimate for the same --paths / --threads and agrees with run.
  const auto v = run_cli({"validate", source_path("configs/kai-smoke.yaml"), "--set", "agents.count=100000000",
                          "--threads", "8", "--paths", "8"},
                         limit);
  // A malformed limit is bad input naming the variable.
  const auto bad = run_cli({"validate", source_path("configs/kai-smoke.yaml")}, {{"STAMPEDE_MEMORY_LIMIT", "lots"}});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("STAMPEDE_MEMORY_LIMIT") != std::string::npos);
  CHECK(v.status == r.status);
  CHECK(v.out.find("memory: 100000000 agents x ") != std::string::npos);
  CHECK(v.err.find("agents.count") != std::string::npos);
}

// --- issue 8: the command line as a new user meets it ---

TEST_CASE("an existing result file or checkpoint is kept unless --force (or --resume) says otherwise") {
  TempDir dir("force");
  const std::string cfg = source_path("configs/kai-smoke.yaml");
  const auto out = dir.path("r.h5");
  REQUIRE(run_cli({"run", cfg, "-o", out, "--paths", "2", "--quiet"}).status == 0);
  // Another seed into the same file: refused, the file untouched.
  const auto again = run_cli({"run", cfg, "-o", out, "--paths", "2", "--seed", "99", "--quiet"});
  CHECK(again.status == 2);
  CHECK(again.err.find(out + " already exists; pass --force to overwrite it") != std::string::npos);
  CHECK(read_results(out).meta.seed == 7);
  CHECK_FALSE(fs::exists(out + ".ckpt"));
  // --resume does not overwrite a finished result either.
  CHECK(run_cli({"run", cfg, "-o", out, "--paths", "2", "--resume", "--quiet"}).status == 2);
  const auto forced = run_cli({"run", cfg, "-o", out, "--paths", "2", "--seed", "99", "--quiet", "--force"});
  INFO(forced.err);
  CHECK(forced.status == 0);
  CHECK(read_results(out).meta.seed == 99);

  // A checkpoint of an unfinished run is not discarded by a run without --resume.
  const auto out2 = dir.path("c.h5");
  std::ofstream(out2 + ".ckpt") << "STPDCKP1 saved paths";
  const auto fresh = run_cli({"run", cfg, "-o", out2, "--paths", "2", "--quiet"});
  CHECK(fresh.status == 2);
  CHECK(fresh.err.find(out2 + ".ckpt is the checkpoint of an earlier run that did not finish; pass --resume") !=
        std::string::npos);
  CHECK(fresh.err.find("--force") != std::string::npos);
  CHECK(fs::file_size(out2 + ".ckpt") == 20);
  CHECK_FALSE(fs::exists(out2));
  CHECK(run_cli({"run", cfg, "-o", out2, "--paths", "2", "--quiet", "--force"}).status == 0);
  CHECK(fs::exists(out2));
  CHECK_FALSE(fs::exists(out2 + ".ckpt"));

  // merge: the same rule for its output.
  const auto m = run_cli({"merge", out, "-o", out2});
  CHECK(m.status == 2);
  CHECK(m.err.find(out2 + " already exists; pass --force to overwrite it") != std::string::npos);
  CHECK(run_cli({"merge", out, "-o", out2, "--force"}).status == 0);
  CHECK(read_results(out2).meta.seed == 99);
}

TEST_CASE("--seed takes the whole uint64 range") {
  TempDir dir("seed");
  const auto out = dir.path("s.h5");
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--paths", "1", "--quiet", "--seed",
                          "18446744073709551615"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(read_results(out).meta.seed == 18446744073709551615ull);
  CHECK(r.out.find("seed 18446744073709551615") != std::string::npos);
}

TEST_CASE("--threads above what the machine offers: the threads that ran are recorded, and the limit said") {
  TempDir dir("threadcap");
  const auto out = dir.path("t.h5");
  const int available = tbb::this_task_arena::max_concurrency();
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--paths", "2", "--threads", "4096"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const int ran = std::min(4096, available);
  CHECK(read_results(out).meta.threads == ran);
  CHECK(r.err.find("TBB Warning") == std::string::npos);
  const std::string with = ran == 1 ? "with 1 thread)" : "with " + std::to_string(ran) + " threads)";
  CHECK(r.err.find(with) != std::string::npos);
  if (available < 4096)
    CHECK(r.err.find("--threads 4096 is more than the " + std::to_string(available) + " threads available here") !=
          std::string::npos);
}

TEST_CASE("merge of different configs names the first differing key and both values") {
  TempDir dir("mergediff");
  const std::string cfg = source_path("configs/kai-smoke.yaml");
  const auto s1 = dir.path("s1.h5"), s2 = dir.path("s2.h5");
  REQUIRE(run_cli({"run", cfg, "-o", s1, "--paths", "2", "--shard", "1/2", "--quiet"}).status == 0);
  REQUIRE(run_cli({"run", cfg, "-o", s2, "--paths", "2", "--shard", "2/2", "--quiet", "--set", "agents.count=2100"})
              .status == 0);
  const auto m = run_cli({"merge", s1, s2, "-o", dir.path("m.h5")});
  CHECK(m.status == 2);
  CHECK(m.err.find("different configs: agents.count is 2000 in " + s1 + " and 2100 in " + s2) != std::string::npos);
}

TEST_CASE("the memory line: the per-agent part and the fixed per-path part, counted right") {
  MemoryEstimate m;
  m.bytes_per_agent = 112;
  m.agents = 2000;
  m.agent_bytes = 112.0 * 2000;  // 218.75 KiB
  m.fixed_bytes = 1 << 20;
  m.per_path = m.agent_bytes + m.fixed_bytes;
  m.in_flight = 1;
  m.threads = 1;
  m.total = m.per_path + 50000;
  m.available = 0;
  CHECK(memory_text(m) ==
        "2000 agents x 112 B = 218.8 KiB, + 1.0 MiB fixed = 1.2 MiB per path; 1 path in flight (1 thread); about 1.3 "
        "MiB in all with the results");
  m.in_flight = 2;
  m.threads = 2;
  CHECK(memory_text(m).find("; 2 paths in flight (2 threads);") != std::string::npos);

  // Through the command: run and validate print it for the given --paths / --threads.
  TempDir dir("memline");
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", dir.path("m.h5"), "--paths", "1",
                          "--threads", "1"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("memory: 2000 agents x ") != std::string::npos);
  CHECK(r.err.find(" fixed = ") != std::string::npos);
  CHECK(r.err.find("1 path in flight (1 thread)") != std::string::npos);
  CHECK(r.err.find("with 1 thread)") != std::string::npos);
  CHECK(r.err.find("1 paths") == std::string::npos);
  CHECK(r.err.find("1 threads") == std::string::npos);
  const auto v = run_cli({"validate", source_path("configs/kai-smoke.yaml"), "--paths", "1", "--threads", "1"});
  CHECK(v.status == 0);
  CHECK(v.out.find("(kai, 1 path x 240 steps, 2000 agents") != std::string::npos);
  CHECK(v.out.find("memory: 2000 agents x ") != std::string::npos);
  CHECK(v.out.find("1 path in flight (1 thread)") != std::string::npos);
  const auto v3 = run_cli({"validate", source_path("configs/kai-smoke.yaml"), "--paths", "3", "--threads", "2"});
  CHECK(v3.out.find("(kai, 3 paths x") != std::string::npos);
  CHECK(v3.out.find(std::min(2, tbb::this_task_arena::max_concurrency()) == 2 ? "2 paths in flight (2 threads)"
                                                                              : "1 path in flight (1 thread)") !=
        std::string::npos);
}

TEST_CASE("--set on one item of a list, and --version") {
  TempDir dir("setitem");
  const auto out = dir.path("i.h5");
  const auto r = run_cli({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--paths", "1", "--quiet", "--set",
                          "market.shocks=[{at: 1d, kind: crash, size: -0.5}]", "--set", "market.shocks[0].size=-0.3"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(read_results(out).meta.config_yaml.find("- {at: 1d, kind: crash, size: -0.3, duration: 1h}") !=
        std::string::npos);
  CHECK(run_cli({"validate", source_path("configs/kai-crash.yaml"), "--set", "market.shocks[0].size=-0.3"}).status ==
        0);

  const auto v = run_cli({"--version"});
  CHECK(v.status == 0);
  CHECK(v.out.rfind("stampede ", 0) == 0);
  CHECK(v.out.find("git ") != std::string::npos);
  CHECK(v.out.find("SIMD ") != std::string::npos);
  // The commit is the source tree's HEAD when the binary was built (read at build time, not when
  // CMake configured), "-dirty" when tracked files had changes; the result file records the same.
  const std::string rev_parse =
      "git -C '" + std::string(STAMPEDE_SOURCE_DIR) + "' rev-parse --short=12 HEAD 2>/dev/null";
  if (FILE* git = ::popen(rev_parse.c_str(), "r")) {
    char buf[64] = {};
    const bool got = std::fgets(buf, sizeof buf, git) != nullptr;
    if (::pclose(git) == 0 && got) {
      const std::string head = std::string(buf).substr(0, std::strcspn(buf, "\n"));
      const std::string recorded = read_results(out).meta.git_commit;
      CHECK((recorded == head || recorded == head + "-dirty"));
      CHECK(v.out.find("(git " + recorded + ",") != std::string::npos);
    }
  }
}

// --- issue 9: memory bounded in the number of paths ---

TEST_CASE("a run's peak memory does not grow with its number of paths") {
  // 10^3 and 10^5 paths of a tiny scenario: each path's series go into the band sketch as it
  // ends, its finals to the paths' table on disk; only the first output.store_paths keep series.
  TempDir dir("rss");
  const auto peak = [&](const std::string& paths) {
    const auto out = dir.path("rss" + paths + ".h5");
    const auto r = run_cli_measured({"run", source_path("configs/kai-smoke.yaml"), "-o", out, "--paths", paths,
                                     "--quiet", "--set", "agents.count=10", "--set", "horizon=1h"});
    REQUIRE(r.status == 0);
    return r.max_rss_kb;
  };
  const long small = peak("1000"), large = peak("100000");
  MESSAGE("peak RSS: 10^3 paths " << small << " KiB, 10^5 paths " << large << " KiB");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed blocks in its quarantine (256 MB by default) and pads every
  // allocation, so a sanitized child's RSS grows with the allocations made, not with what it
  // holds: the bound is a property of the release build, checked there.
  MESSAGE("AddressSanitizer build: peak memory not compared");
#else
  CHECK(static_cast<double>(large) < 1.5 * static_cast<double>(small));
#endif
}
