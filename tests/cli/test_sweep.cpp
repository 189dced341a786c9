// The risk workflow through the command line: sweeps on common random numbers, their paired
// differences, shards + merge of a sweep, precision targets, and the report's time to event and
// risk figures.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <thread>
#include <signal.h>
#include <sys/wait.h>
#include <string>

#include "cli_helpers.hpp"
#include "engine/output/hdf5_file.hpp"
#include "engine/output/number_text.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"
#include "same_results.hpp"

namespace fs = std::filesystem;
using namespace stampede;
using namespace stampede::testing;

namespace {

const std::string kSmoke = source_path("configs/kai-smoke.yaml");

// kai-smoke with a crash on day 3 whose size is swept: the points differ only from day 3 on.
std::vector<std::string> crash_sweep(const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {"sweep", kSmoke, "-o", out, "--quiet", "--paths", "4", "--set",
                                "market.shocks=[{at: 3d, kind: crash, size: -0.1}]", "--over",
                                "market.shocks[0].size=[-0.1, -0.6]"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// `report --json`'s P(event by t) of one run (a run's report, or a point of a sweep's) against
// the file's /summary/events/<event>/by_time under `run_group` (the root, or /sweep/points/<i>).
void check_by_time(const h5::Group& run_group, const nlohmann::json& report) {
  const std::vector<double> time = run_group.read_doubles("time");
  const h5::Group events = run_group.open_group("summary").open_group("events");
  REQUIRE(!events.children().empty());
  for (const std::string& name : events.children()) {
    CAPTURE(name);
    const std::vector<double> by_time = events.open_group(name).read_doubles("by_time");
    const auto& curve = report.at("events").at(name).at("by_time");
    REQUIRE(curve.at("days").size() == time.size());
    REQUIRE(curve.at("probability").size() == by_time.size());
    for (std::size_t r = 0; r < time.size(); ++r) {
      CHECK(curve["days"][r].get<double>() == time[r] / 86400.0);
      CHECK(curve["probability"][r].get<double>() == by_time[r]);
    }
  }
}

}  // namespace

TEST_CASE("sweep points share their paths until they differ: identical series before the crash, not after") {
  TempDir dir("sweep_crn");
  const auto out = dir.path("s.h5");
  const auto r = run_cli(crash_sweep(out, {"--set", "output.record_every=1h"}));
  INFO(r.err);
  REQUIRE(r.status == 0);
  const SweepData s = read_sweep(out);
  REQUIRE(s.points.size() == 2);
  CHECK(s.keys == std::vector<std::string>{"market.shocks[0].size"});
  CHECK(s.points[0].name == "size=-0.1");
  CHECK(s.points[1].x == std::vector<double>{-0.6});
  const RunData &a = s.points[0].run, &b = s.points[1].run;
  REQUIRE(a.paths.ids() == b.paths.ids());
  const auto price = static_cast<std::size_t>(
      std::find(a.schema.series.begin(), a.schema.series.end(), "price") - a.schema.series.begin());
  const std::size_t n_rec = a.time.size();
  const std::size_t crash_record = 3 * 24;  // record r is the state at the end of hour r
  for (std::size_t i = 0; i < a.paths.size(); ++i) {
    const PathResult pa = a.paths[i], pb = b.paths[i];
    REQUIRE(pa.series.size() == pb.series.size());
    if (pa.series.empty()) continue;
    const double* xa = pa.series.data() + price * n_rec;
    const double* xb = pb.series.data() + price * n_rec;
    for (std::size_t k = 0; k < crash_record; ++k) REQUIRE(xa[k] == xb[k]);  // common random numbers
    bool differ = false;
    for (std::size_t k = crash_record; k < n_rec; ++k) differ = differ || xa[k] != xb[k];
    CHECK(differ);  // the crash acts
  }
}

TEST_CASE("a sweep in shards merges to the unsharded sweep, point by point; report prints the paired differences") {
  TempDir dir("sweep_shards");
  const auto whole = dir.path("w.h5"), s1 = dir.path("1.h5"), s2 = dir.path("2.h5"), merged = dir.path("m.h5");
  REQUIRE(run_cli(crash_sweep(whole)).status == 0);
  REQUIRE(run_cli(crash_sweep(s1, {"--shard", "1/2", "--threads", "1"})).status == 0);
  REQUIRE(run_cli(crash_sweep(s2, {"--shard", "2/2"})).status == 0);
  const auto m = run_cli({"merge", s2, s1, "-o", merged});
  INFO(m.err);
  REQUIRE(m.status == 0);
  const SweepData a = read_sweep(whole), b = read_sweep(merged);
  REQUIRE(a.points.size() == b.points.size());
  for (std::size_t i = 0; i < a.points.size(); ++i) require_same_results(a.points[i].run, b.points[i].run);
  CHECK(b.meta.shard == "all");
  // The file as h5py and numpy see it (every point, the paired counts, the risk figures).
  if (fs::exists("/usr/bin/python3")) {
    const std::string cmd = "/usr/bin/python3 '" + source_path("tests/output/read_results.py") + "' '" + merged +
                            "' > '" + dir.path("py.out") + "' 2>&1";
    CHECK(std::system(cmd.c_str()) == 0);
    std::ifstream in(dir.path("py.out"));
    std::string line;
    std::getline(in, line);
    CHECK(line == "OK");
  }
  // The same paired comparison from both files.
  const auto ra = run_cli({"report", whole}), rb = run_cli({"report", merged});
  REQUIRE(ra.status == 0);
  CHECK(ra.out.find("paired differences P(b) - P(a)") != std::string::npos);
  CHECK(ra.out.substr(ra.out.find("paired differences")) == rb.out.substr(rb.out.find("paired differences")));
  const auto js = run_cli({"report", merged, "--json"});
  const auto j = nlohmann::json::parse(js.out);
  CHECK(j["points"].size() == 2);
  CHECK(j["compare"][0]["a"] == "size=-0.1");
  CHECK(j["compare"][0]["events"]["depeg"]["method"] == "newcombe-paired-score");
  // Each point's P(event by t) is its own curve in the merged file.
  {
    const h5::File f = h5::File::open_read(merged);
    for (std::size_t i = 0; i < 2; ++i) {
      CAPTURE(i);
      check_by_time(f.open_group("sweep").open_group("points").open_group(std::to_string(i)), j["points"][i]);
    }
  }
  CHECK(rb.out.find("P(event by day)") != std::string::npos);
  // A sweep and a single run are not shards of each other.
  const auto single = dir.path("single.h5");
  REQUIRE(run_cli({"run", kSmoke, "-o", single, "--paths", "4", "--quiet"}).status == 0);
  const auto bad = run_cli({"merge", s1, single, "-o", dir.path("bad.h5")});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("the inputs are of different kinds") != std::string::npos);
}

TEST_CASE("a precision target stops at the same path count with 1 and 2 threads, and says why") {
  TempDir dir("stop");
  const auto a = dir.path("a.h5"), b = dir.path("b.h5");
  const std::vector<std::string> common = {"--quiet", "--paths", "4", "--ci-half-width", "0.3", "--set", "stop.batch=4",
                                           "--max-paths", "24"};
  auto args = std::vector<std::string>{"run", kSmoke, "-o", a, "--threads", "1"};
  args.insert(args.end(), common.begin(), common.end());
  const auto r1 = run_cli(args);
  INFO(r1.err);
  REQUIRE(r1.status == 0);
  args = {"run", kSmoke, "-o", b, "--threads", "2"};
  args.insert(args.end(), common.begin(), common.end());
  REQUIRE(run_cli(args).status == 0);
  const RunData ra = read_results(a), rb = read_results(b);
  require_same_results(ra, rb);
  // Batches of 4 after the first 4: the count is a batch boundary, at most 24.
  const auto n = static_cast<std::int64_t>(ra.paths.size());
  CHECK(n % 4 == 0);
  CHECK(n <= 24);
  CHECK(ra.meta.n_paths == n);
  CHECK(ra.meta.ci_half_width_target == 0.3);
  if (ra.meta.paths_rule == "precision") {
    CHECK(ra.meta.ci_half_width_reached <= 0.3);
  } else {
    CHECK(ra.meta.paths_rule == "max_paths");
    CHECK(n == 24);
  }
  // A wide target is met by the first batch; an unreachable one runs to max_paths.
  const auto wide = dir.path("wide.h5"), narrow = dir.path("narrow.h5");
  REQUIRE(run_cli({"run", kSmoke, "-o", wide, "--quiet", "--paths", "4", "--ci-half-width", "0.5"}).status == 0);
  CHECK(read_results(wide).paths.size() == 4);
  CHECK(read_results(wide).meta.paths_rule == "precision");
  REQUIRE(run_cli({"run", kSmoke, "-o", narrow, "--quiet", "--paths", "2", "--ci-half-width", "0.001", "--set",
                   "stop.batch=3", "--max-paths", "7"})
              .status == 0);
  const RunData rn = read_results(narrow);
  CHECK(rn.paths.size() == 7);  // 2, 5, then capped at 7
  CHECK(rn.meta.paths_rule == "max_paths");
  const auto rep = run_cli({"report", narrow});
  CHECK(rep.out.find("precision target") != std::string::npos);
}

TEST_CASE("report: time to event, std of finals, risk figures; undefined finals are NaN, not -1") {
  TempDir dir("risk");
  const auto out = dir.path("r.h5");
  REQUIRE(run_cli({"run", source_path("configs/kai-crash.yaml"), "-o", out, "--quiet", "--paths", "6", "--set",
                   "agents.count=2000", "--set", "horizon=20d"})
              .status == 0);
  const RunData d = read_results(out);
  const Summary s = summarize(d);
  // depeg_first_round: NaN on the paths without a depeg, defined on the others.
  const auto f = static_cast<std::size_t>(
      std::find(d.schema.finals.begin(), d.schema.finals.end(), "depeg_first_round") - d.schema.finals.begin());
  const auto e = static_cast<std::size_t>(
      std::find(d.schema.events.begin(), d.schema.events.end(), "depeg") - d.schema.events.begin());
  const auto rounds = d.paths.final_column(f);
  const auto steps = d.paths.event_column(e);
  for (std::size_t i = 0; i < rounds.size(); ++i) CHECK(std::isnan(rounds[i]) == (steps[i] < 0));
  CHECK(s.finals[f].stats.n_defined == s.events[e].count);
  // Time to event: the median of (first step + 1)·dt over the paths where it happened.
  if (s.events[e].count > 0) {
    CHECK(s.events[e].time_to_event.n_defined == s.events[e].count);
    CHECK(s.events[e].time_to_event.quantiles[0] >= 10 * 86400.0);  // not before the crash on day 10
  }
  // min_twap is declared with a lower bad tail: VaR 99% <= VaR 95% <= median, ES below VaR.
  const auto m = static_cast<std::size_t>(
      std::find(d.schema.finals.begin(), d.schema.finals.end(), "min_twap") - d.schema.finals.begin());
  const TailRisk& risk = s.finals[m].risk;
  CHECK(risk.tail == Tail::lower);
  CHECK(risk.at[1].var <= risk.at[0].var);
  CHECK(risk.at[0].var <= s.finals[m].stats.quantiles[3]);
  CHECK(risk.at[0].es <= risk.at[0].var);
  CHECK(risk.at[0].var_low <= risk.at[0].var_high);
  const auto rep = run_cli({"report", out});
  CHECK(rep.out.find("days to event") != std::string::npos);
  CHECK(rep.out.find("risk over the 20d horizon") != std::string::npos);
  const auto js = nlohmann::json::parse(run_cli({"report", out, "--json"}).out);
  CHECK(js["finals"]["min_twap"]["risk"]["tail"] == "lower");
  CHECK(js["finals"]["min_twap"]["risk"]["horizon_days"] == 20.0);
  CHECK(js["finals"]["min_twap"].contains("std"));
  CHECK(js["events"]["depeg"].contains("time_to_event_days"));
  // P(event by t): the whole curve in the JSON, the file's by_time; in the table at the first
  // records at or after 10/25/50/75/100% of the 20 days (KAI records every hour).
  check_by_time(h5::File::open_read(out), js);
  const auto head = rep.out.find("P(event by day)");
  REQUIRE(head != std::string::npos);
  CHECK(rep.out.substr(head, rep.out.find('\n', head) - head) ==
        fmt::format("{:<24} {:>9} {:>9} {:>9} {:>9} {:>9}", "P(event by day)", "2d", "5d", "10d", "15d", "20d"));
  const std::vector<std::size_t> cols = by_time_columns(s.time);
  REQUIRE(cols.size() == 5);
  std::string depeg_line = fmt::format("{:<24}", "depeg");
  const double column_days[] = {2, 5, 10, 15, 20};
  for (std::size_t c = 0; c < cols.size(); ++c) {
    CHECK(s.time[cols[c]] == column_days[c] * 86400.0);
    depeg_line += fmt::format(" {:>9}", num4(s.events[e].by_time[cols[c]]));
  }
  // The crash on day 10 comes before any depeg; by day 20 the curve has reached the event's rate.
  CHECK(s.events[e].by_time[cols[2]] == 0.0);
  CHECK(s.events[e].by_time[cols[4]] == doctest::Approx(s.events[e].ci.p));
  INFO(rep.out.substr(head), "\n[", depeg_line, "]");
  CHECK(rep.out.find(depeg_line + "\n", head) != std::string::npos);
}

TEST_CASE("stampede plot draws a real sweep's pictures (Debian's matplotlib)") {
  if (!fs::exists("/usr/bin/python3")) return;  // scripts/setup installs it; without it there is nothing to test
  TempDir dir("plot");
  const auto out = dir.path("s.h5"), pics = dir.path("pics");
  REQUIRE(run_cli(crash_sweep(out)).status == 0);
  const auto r = run_cli({"plot", out, "-o", pics});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  for (const char* name : {"sweep-depeg.png", "sweep-events.png", "sweep-differences.png", "point-0/fan-price.png",
                           "point-1/events-by-time.png"}) {
    INFO(name);
    const auto path = pics + "/" + name;
    REQUIRE(fs::exists(path));
    std::ifstream in(path, std::ios::binary);
    char sig[8] = {};
    in.read(sig, 8);
    CHECK(std::string(sig, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(fs::file_size(path) > 5000);
  }
  const auto bad = run_cli({"plot", kSmoke});
  CHECK(bad.status == 2);
}

TEST_CASE("a precision-target run killed in its second batch resumes to the uninterrupted result") {
  TempDir dir("stop_resume");
  const auto whole = dir.path("whole.h5"), killed = dir.path("killed.h5");
#ifdef __SANITIZE_ADDRESS__
  const std::string agents = "agents.count=8000";  // slower under the sanitizers: fewer agents keep the window
#else
  const std::string agents = "agents.count=40000";
#endif
  const std::vector<std::string> common = {"--quiet", "--paths", "2", "--threads", "1", "--set", agents,
                                           "--checkpoint-every", "0", "--ci-half-width", "0.001", "--set",
                                           "stop.batch=2", "--max-paths", "6"};
  auto args = std::vector<std::string>{"run", kSmoke, "-o", whole};
  args.insert(args.end(), common.begin(), common.end());
  REQUIRE(run_cli(args).status == 0);
  args = {"run", kSmoke, "-o", killed};
  args.insert(args.end(), common.begin(), common.end());
  const pid_t pid = spawn_cli(args);
  const auto ckpt = killed + ".ckpt";
  bool saw = false;  // the first batch (2 paths) done and one path of the second
  for (int k = 0; k < 600 && !saw; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    saw = fs::exists(ckpt) && checkpoint_records(ckpt) >= 3;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(saw);
  CHECK_FALSE(fs::exists(killed));
  args.push_back("--resume");
  const auto resumed = run_cli(args);
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  const RunData a = read_results(whole), b = read_results(killed);
  require_same_results(a, b);
  CHECK(a.meta.paths_rule == b.meta.paths_rule);
  CHECK(b.paths.size() == 6);
}

TEST_CASE("sensitivity: the fear weights lead the KAI crash ranking; an unreachable weight has effect 0") {
  TempDir dir("sens");
#ifndef __SANITIZE_ADDRESS__  // 41 runs of 16 paths: the ranking is checked in the release suite
  const auto out = dir.path("s.h5");
  const auto r = run_cli({"sensitivity", source_path("configs/kai-crash.yaml"), "-o", out, "--quiet", "--paths", "16",
                          "--set", "agents.count=2000", "--set", "horizon=20d", "--params", "agents.holder.sell.w.*",
                          "--params", "agents.staker.withdraw.w.*", "--params", "agents.holder.buy.w.*"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const SweepData s = read_sweep(out);
  REQUIRE(s.sensitivity);
  const auto ranks = rank_events(s);
  auto key_of = [&](const SensitivityRow& row) { return s.sensitivity->params[row.param].key; };
  int narrower = 0;
  for (const EventRanking& e : ranks) {
    if (e.event == "depeg") CHECK(key_of(e.rows[0]) == "agents.holder.sell.w.mkt_ret");
    if (e.event == "bank_run") CHECK(key_of(e.rows[0]) == "agents.staker.withdraw.w.mkt_ret");
    for (const SensitivityRow& row : e.rows)
      if (key_of(row).find("mkt_ret") != std::string::npos && row.effect.difference != 0.0) {
        // The leading fear weights lower the probability as they rise towards 0 (less fear).
        if (&row == &e.rows[0] && (e.event == "depeg" || e.event == "bank_run")) CHECK(row.effect.difference < 0.0);
        // Paired on the same paths, narrower than two independent runs with the same counts.
        const auto n = row.counts.n();
        const PairedDifference unpaired = independent_difference(row.counts.both + row.counts.only_a, n,
                                                                 row.counts.both + row.counts.only_b, n);
        // Never wider; narrower once enough paths agree (Newcombe's phi correction is 0 below that).
        CHECK(row.effect.high - row.effect.low <= unpaired.high - unpaired.low + 1e-15);
        narrower += row.effect.high - row.effect.low < unpaired.high - unpaired.low - 1e-9;
      }
  }
  CHECK(narrower > 0);
  // Zero-valued weights (channels that are off) are not moved by default.
  CHECK_FALSE(s.sensitivity->skipped.empty());
  const auto rep = run_cli({"report", out});
  CHECK(rep.out.find("the parameters that move it most") != std::string::npos);
#endif
  // Weights the scenario cannot reach: K9's weights on `stopped` (1 only after an emergency
  // stop, which k9-smoke never has) move nothing: effect 0, an interval around 0.
  const auto out2 = dir.path("s2.h5");
  const auto r2 = run_cli({"sensitivity", source_path("configs/k9-smoke.yaml"), "-o", out2, "--quiet", "--paths", "4",
                           "--params", "agents.*.w.stopped"});
  INFO(r2.err);
  REQUIRE(r2.status == 0);
  const SweepData s2 = read_sweep(out2);
  REQUIRE(s2.sensitivity->params.size() >= 3);
  for (const EventRanking& e : rank_events(s2))
    for (const SensitivityRow& row : e.rows) {
      CHECK(row.effect.difference == 0.0);
      CHECK(row.counts.only_a + row.counts.only_b == 0);
      CHECK(row.effect.low < 0.0);
      CHECK(row.effect.high > 0.0);
    }
  const auto bad = run_cli({"sensitivity", kSmoke, "-o", dir.path("bad.h5"), "--params", "agents.nobody.*"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("matches no behaviour parameter") != std::string::npos);
}

TEST_CASE("sensitivity moves distribution fields: a bias mean changes P(depeg) on a small KAI crash") {
#ifndef __SANITIZE_ADDRESS__  // 3 runs of 16 paths of 2,000 agents: checked in the release suite
  TempDir dir("sens_bias");
  const auto out = dir.path("s.h5");
  const auto r = run_cli({"sensitivity", source_path("configs/kai-crash.yaml"), "-o", out, "--quiet", "--paths", "16",
                          "--set", "agents.count=2000", "--set", "horizon=20d", "--params",
                          "agents.holder.sell.bias.mean"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const SweepData s = read_sweep(out);
  REQUIRE(s.sensitivity);
  REQUIRE(s.sensitivity->params.size() == 1);
  const SensitivityParam& p = s.sensitivity->params[0];
  CHECK(p.key == "agents.holder.sell.bias.mean");
  CHECK(p.base == -6.5);
  CHECK(p.low == -8.125);
  CHECK(p.high == -4.875);
  CHECK(p.note.empty());
  // The point's override is the whole distribution with its mean moved.
  CHECK(s.points[p.high_point].overrides ==
        std::vector<std::string>{"agents.holder.sell.bias={dist: normal, mean: -4.875, sd: 1}"});
  for (const EventRanking& e : rank_events(s))
    if (e.event == "depeg") {
      INFO(e.rows[0].p_low, " ", e.rows[0].p_high);
      CHECK(e.rows[0].effect.difference > 0.0);  // a larger bias to sell: more depegs
    }
  const auto rep = run_cli({"report", out});
  CHECK(rep.out.find("agents.holder.sell.bias.mean") != std::string::npos);
#endif
}

TEST_CASE("sensitivity globs select distribution fields; an sd of 0 is skipped, an out-of-range side noted") {
  TempDir dir("sens_fields");
  const auto out = dir.path("s.h5");
  const auto r = run_cli({"sensitivity", kSmoke, "-o", out, "--quiet", "--paths", "2", "--set",
                          "agents.holder.sell.bias={dist: normal, mean: -6.5, sd: 0}", "--set",
                          "agents.holder.attention={dist: uniform, low: 0.25, high: 0.875}", "--params",
                          "agents.*.sell.bias*", "--params", "agents.holder.attention.*"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const SweepData s = read_sweep(out);
  REQUIRE(s.sensitivity);
  std::vector<std::string> keys;
  for (const auto& p : s.sensitivity->params) keys.push_back(p.key);
  CHECK(keys == std::vector<std::string>{"agents.holder.attention.low", "agents.holder.attention.high",
                                         "agents.holder.sell.bias.mean", "agents.bond_buyer.sell.bias.mean",
                                         "agents.bond_buyer.sell.bias.sd"});
  // sd 0 with a relative step: not moved, as a zero-valued weight.
  REQUIRE(s.sensitivity->skipped.size() == 1);
  CHECK(s.sensitivity->skipped[0].first == "agents.holder.sell.bias.sd");
  CHECK(s.sensitivity->skipped[0].second.rfind("value 0 ", 0) == 0);
  // attention.high 0.875 + 25% = 1.09375 leaves [0, 1]: that side runs the baseline and says why.
  const SensitivityParam& high = s.sensitivity->params[1];
  CHECK(high.low == 0.65625);
  CHECK(high.high == 0.875);
  CHECK(high.high_point == 0);
  CHECK(high.note.find("high 1.09375 not run (draws must lie in [0, 1]") == 0);
  CHECK(s.sensitivity->params[0].note.empty());
  const auto rep = run_cli({"report", out});
  CHECK(rep.out.find("moved on one side only") != std::string::npos);
  CHECK(rep.out.find("agents.holder.attention.high: high 1.09375 not run") != std::string::npos);
  const auto js = nlohmann::json::parse(run_cli({"report", out, "--json"}).out);
  CHECK(js["sensitivity"]["one_sided"][0]["param"] == "agents.holder.attention.high");
  // --abs-step moves the sd of 0 upwards only (a negative sd is not a distribution).
  const auto out2 = dir.path("abs.h5");
  const auto r2 = run_cli({"sensitivity", kSmoke, "-o", out2, "--quiet", "--paths", "2", "--set",
                           "agents.holder.sell.bias={dist: normal, mean: -6.5, sd: 0}", "--params",
                           "agents.holder.sell.bias.sd", "--abs-step", "0.5"});
  INFO(r2.err);
  REQUIRE(r2.status == 0);
  const SweepData s2 = read_sweep(out2);
  REQUIRE(s2.sensitivity->params.size() == 1);
  CHECK(s2.sensitivity->params[0].low == 0.0);
  CHECK(s2.sensitivity->params[0].low_point == 0);
  CHECK(s2.sensitivity->params[0].high == 0.5);
  CHECK(s2.sensitivity->params[0].note.find("low -0.5 not run") == 0);
}

TEST_CASE("a sensitivity in shards merges to the unsharded sensitivity: same points, same rankings") {
  TempDir dir("sens_shards");
  const auto whole = dir.path("w.h5"), s1 = dir.path("1.h5"), s2 = dir.path("2.h5"), merged = dir.path("m.h5");
  auto sens = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> a = {"sensitivity", kSmoke, "-o", out, "--quiet", "--paths", "4", "--set",
                                  "market.shocks=[{at: 3d, kind: crash, size: -0.5}]", "--params",
                                  "agents.holder.sell.bias.mean", "--params", "agents.holder.sell.w.mkt_ret",
                                  "--final", "min_twap"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  REQUIRE(run_cli(sens(whole, {})).status == 0);
  REQUIRE(run_cli(sens(s1, {"--shard", "1/2", "--threads", "1"})).status == 0);
  REQUIRE(run_cli(sens(s2, {"--shard", "2/2"})).status == 0);
  const auto m = run_cli({"merge", s2, s1, "-o", merged});
  INFO(m.err);
  REQUIRE(m.status == 0);
  const SweepData a = read_sweep(whole), b = read_sweep(merged);
  REQUIRE(a.points.size() == 5);
  REQUIRE(a.points.size() == b.points.size());
  for (std::size_t i = 0; i < a.points.size(); ++i) require_same_results(a.points[i].run, b.points[i].run);
  REQUIRE(b.sensitivity);
  REQUIRE(a.sensitivity->params.size() == b.sensitivity->params.size());
  for (std::size_t k = 0; k < a.sensitivity->params.size(); ++k) {
    CHECK(a.sensitivity->params[k].key == b.sensitivity->params[k].key);
    CHECK(a.sensitivity->params[k].low_point == b.sensitivity->params[k].low_point);
    CHECK(a.sensitivity->params[k].high_point == b.sensitivity->params[k].high_point);
  }
  CHECK(b.meta.shard == "all");
  // The same rankings (events and finals) from both files.
  const auto ra = run_cli({"report", whole}), rb = run_cli({"report", merged});
  REQUIRE(ra.status == 0);
  REQUIRE(rb.status == 0);
  const auto from = ra.out.find("\nbaseline");
  REQUIRE(from != std::string::npos);
  CHECK(ra.out.substr(from) == rb.out.substr(rb.out.find("\nbaseline")));
  const auto ja = nlohmann::json::parse(run_cli({"report", whole, "--json"}).out);
  const auto jb = nlohmann::json::parse(run_cli({"report", merged, "--json"}).out);
  CHECK(ja["sensitivity"] == jb["sensitivity"]);
}
