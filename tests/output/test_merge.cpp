// merge_runs: shards merge into exactly the single-process run; foreign parts are refused.
#include <doctest/doctest.h>

#include <cstring>

#include "engine/core/errors.hpp"
#include "engine/output/hdf5_file.hpp"
#include "engine/output/merge.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"
#include "run_fixture.hpp"

using namespace stampede;

namespace {

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void check_same_summary(const Summary& a, const Summary& b) {
  CHECK(a.n_paths == b.n_paths);
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].count == b.events[i].count);
    CHECK(same(a.events[i].ci.low, b.events[i].ci.low));
    CHECK(same(a.events[i].ci.high, b.events[i].ci.high));
    CHECK(fixture::same_bits(a.events[i].by_time, b.events[i].by_time));
  }
  REQUIRE(a.finals.size() == b.finals.size());
  for (std::size_t i = 0; i < a.finals.size(); ++i) {
    const SampleStats &x = a.finals[i].stats, &y = b.finals[i].stats;
    CHECK(x.n_defined == y.n_defined);
    CHECK(same(x.mean, y.mean));
    CHECK(same(x.std_err, y.std_err));
    for (std::size_t q = 0; q < x.quantiles.size(); ++q) CHECK(same(x.quantiles[q], y.quantiles[q]));
  }
  REQUIRE(a.bands.size() == b.bands.size());
  for (std::size_t i = 0; i < a.bands.size(); ++i)
    CHECK(std::memcmp(a.bands[i].bands.data(), b.bands[i].bands.data(), a.bands[i].bands.size() * sizeof(Quantiles)) == 0);
}

// Every dataset under `group` (recursively) of two files, compared bitwise as doubles/ints.
void check_same_datasets(const h5::Group& a, const h5::Group& b) {
  const auto names = a.children();
  CHECK(names == b.children());
  for (const std::string& n : names) {
    CAPTURE(a.path() + "/" + n);
    bool is_group = true;
    try {
      (void)a.dims(n);
      is_group = false;
    } catch (const h5::Error&) {
    }
    if (is_group) {
      check_same_datasets(a.open_group(n), b.open_group(n));
      continue;
    }
    CHECK(a.dims(n) == b.dims(n));
    // Every integer stored here (ids, steps, keys, counts) is exact as a double.
    const auto x = a.read_doubles(n), y = b.read_doubles(n);
    CHECK(fixture::same_bits(x, y));
  }
}

}  // namespace

TEST_CASE("merge: two halves equal the whole (paths, sketch, summary and files)") {
  fixture::TempDir tmp("merge");
  const RunData whole = fixture::run(fixture::range(0, 40), 40, "all");
  RunData first = fixture::run(fixture::range(0, 20), 40, "1/2");
  RunData second = fixture::run(fixture::range(20, 40), 40, "2/2");
  second.meta.threads = 8;
  second.meta.wall_seconds = 0.5;

  for (bool reversed : {false, true}) {
    CAPTURE(reversed);
    std::vector<RunData> parts;
    parts.push_back(fixture::run(fixture::range(reversed ? 20 : 0, reversed ? 40 : 20), 40, reversed ? "2/2" : "1/2"));
    parts.push_back(fixture::run(fixture::range(reversed ? 0 : 20, reversed ? 20 : 40), 40, reversed ? "1/2" : "2/2"));
    const RunData merged = merge_runs(std::move(parts), {"a.h5", "b.h5"});
    CHECK(merged.meta.shard == "all");
    CHECK(fixture::same_paths(merged.paths, whole.paths));
    CHECK(merged.bands == whole.bands);
    check_same_summary(summarize(merged), summarize(whole));
  }

  // Through files: write the shards, read, merge, write; /paths, /summary, /sketch and /time
  // agree bitwise with the single-process file.
  write_results(tmp.file("1.h5"), first);
  write_results(tmp.file("2.h5"), second);
  write_results(tmp.file("whole.h5"), whole);
  std::vector<RunData> parts;
  parts.push_back(read_results(tmp.file("2.h5")));
  parts.push_back(read_results(tmp.file("1.h5")));
  const RunData merged = merge_runs(std::move(parts));
  CHECK(merged.meta.threads == 8);
  CHECK(merged.meta.wall_seconds == doctest::Approx(2.0));
  write_results(tmp.file("merged.h5"), merged);
  const h5::File a = h5::File::open_read(tmp.file("merged.h5"));
  const h5::File b = h5::File::open_read(tmp.file("whole.h5"));
  CHECK(a.attr_string("shard") == "all");
  for (const char* g : {"paths", "summary", "sketch"}) check_same_datasets(a.open_group(g), b.open_group(g));
  CHECK(fixture::same_bits(a.read_doubles("time"), b.read_doubles("time")));
  const auto ev_a = a.open_group("summary").open_group("events").open_group("depeg");
  const auto ev_b = b.open_group("summary").open_group("events").open_group("depeg");
  CHECK(same(ev_a.attr_double("ci_low"), ev_b.attr_double("ci_low")));
  CHECK(ev_a.attr_int("count") == ev_b.attr_int("count"));
}

TEST_CASE("merge: a partial union keeps the shard list") {
  std::vector<RunData> parts;
  parts.push_back(fixture::run(fixture::range(20, 30), 30, "3/3"));
  parts.push_back(fixture::run(fixture::range(0, 10), 30, "1/3"));
  const RunData m = merge_runs(std::move(parts));
  CHECK(m.meta.shard == "1/3,3/3");
  CHECK(m.paths.size() == 20);
  CHECK(m.paths.front().id == 0);
  CHECK(m.paths.back().id == 29);
}

namespace {
std::string refusal(std::vector<RunData> parts) {
  try {
    merge_runs(std::move(parts), {"a.h5", "b.h5"});
  } catch (const InputError& e) {
    return e.what();
  }
  return "<accepted>";
}
std::vector<RunData> halves() {
  std::vector<RunData> p;
  p.push_back(fixture::run(fixture::range(0, 5), 10, "1/2"));
  p.push_back(fixture::run(fixture::range(5, 10), 10, "2/2"));
  return p;
}
}  // namespace

TEST_CASE("merge: refuses overlapping paths and parts of different runs") {
  {
    std::vector<RunData> p;
    p.push_back(fixture::run(fixture::range(0, 6), 10, "x"));
    p.push_back(fixture::run(fixture::range(5, 10), 10, "y"));
    const std::string msg = refusal(std::move(p));
    CHECK(msg.find("a.h5 and b.h5 overlap (both hold path 5)") != std::string::npos);
  }
  auto p = halves();
  p[1].meta.seed = 8;
  CHECK(refusal(std::move(p)).find("different seeds") != std::string::npos);
  p = halves();
  p[1].meta.config_sha256 = "0000";
  CHECK(refusal(std::move(p)).find("a.h5 and b.h5 are not shards of the same run: different configs") !=
        std::string::npos);
  p = halves();
  p[1].meta.n_paths = 0;
  p[1].paths.clear();
  CHECK(refusal(std::move(p)).find("merge: b.h5 holds no paths (shard 2/2 of a run with 0 paths); leave it out") !=
        std::string::npos);
  p = halves();
  p[1].meta.protocol = "ksn";
  CHECK(refusal(std::move(p)).find("different protocols") != std::string::npos);
  p = halves();
  p[1].schema.finals[0] = "other";
  CHECK(refusal(std::move(p)).find("different output schema") != std::string::npos);
  p = halves();
  p[1].time[2] += 1.0;
  CHECK(refusal(std::move(p)).find("different record time grids") != std::string::npos);
  CHECK_THROWS_AS(merge_runs({}), InputError);
  CHECK(refusal(halves()) == "<accepted>");
}

TEST_CASE("merge: different configs name the first differing key and both values") {
  const std::string base =
      "scenario: kai_smoke\nprotocol: kai\nseed: 7\npaths: 10\nagents:\n  count: 2000\n  init:\n"
      "    wealth: {dist: lognormal, mu: 0, sigma: 1}\nmarket:\n  shocks:\n    - {at: 1d, kind: crash, size: -0.5}\n"
      "kai:\n  peg: 1\n";
  auto with = [&](const std::string& from, const std::string& to) {
    std::string y = base;
    y.replace(y.find(from), from.size(), to);
    auto p = halves();
    p[0].meta.config_yaml = base;
    p[1].meta.config_yaml = y;
    p[1].meta.config_sha256 = "0000";
    return refusal(std::move(p));
  };
  CHECK(with("count: 2000", "count: 2100")
            .find("a.h5 and b.h5 are not shards of the same run: different configs: agents.count is 2000 in a.h5 "
                  "and 2100 in b.h5") != std::string::npos);
  CHECK(with("sigma: 1}", "sigma: 2}")
            .find("agents.init.wealth is {dist: lognormal, mu: 0, sigma: 1} in a.h5 and "
                  "{dist: lognormal, mu: 0, sigma: 2} in b.h5") != std::string::npos);
  CHECK(with("size: -0.5}", "size: -0.3}").find("market.shocks[0] is {at: 1d, kind: crash, size: -0.5} in a.h5") !=
        std::string::npos);
  CHECK(with("    - {at: 1d, kind: crash, size: -0.5}\n",
             "    - {at: 1d, kind: crash, size: -0.5}\n    - {at: 2d, kind: demand, size: 1}\n")
            .find("market.shocks[1] is absent in a.h5 and {at: 2d, kind: demand, size: 1} in b.h5") != std::string::npos);
  CHECK(with("kai:\n  peg: 1\n", "kai:\n  peg: 1\n  x: 3\n").find("kai.x is absent in a.h5 and 3 in b.h5") !=
        std::string::npos);
}
