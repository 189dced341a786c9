// summarize() on a hand-made run whose answers are worked out by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "engine/output/summary.hpp"

using namespace stampede;

namespace {

// 10 paths, dt = 1h, records at 1h, 24h, 48h. depeg first seen in steps 0 (path 2), 23 (path 5)
// and 30 (path 7); known at the end of the step: 1h, 24h, 31h.
RunData hand_made() {
  RunData d;
  d.meta.dt_seconds = 3600;
  d.meta.n_paths = 10;
  d.schema = {{"price_final"}, {"depeg", "never"}, {"price"}, {}};
  d.time = {3600.0, 86400.0, 172800.0};
  d.bands = BandSketch(1, 3);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::uint64_t id = 0; id < 10; ++id) {
    PathResult p;
    p.id = id;
    p.finals = {id == 9 ? nan : static_cast<double>(id + 1)};  // 1..9 and one undefined
    p.first_step = {id == 2 ? 0 : id == 5 ? 23 : id == 7 ? 30 : -1, -1};
    p.series = {1.0, id < 5 ? 0.0 : 2.0, -static_cast<double>(id)};
    d.bands.add_path(p.series.data());
    d.paths.push_back(p);
  }
  return d;
}

}  // namespace

TEST_CASE("summary: events, by_time, finals and bands of a hand-made run") {
  const Summary s = summarize(hand_made());
  CHECK(s.n_paths == 10);
  REQUIRE(s.events.size() == 2);
  const EventSummary& depeg = s.events[0];
  CHECK(depeg.name == "depeg");
  CHECK(depeg.count == 3);
  CHECK(depeg.n == 10);
  CHECK(depeg.ci.p == doctest::Approx(0.3));
  CHECK(depeg.ci.low == doctest::Approx(0.10779126740630099).epsilon(1e-12));   // Wilson 3/10
  CHECK(depeg.ci.high == doctest::Approx(0.6032218525388546).epsilon(1e-12));
  REQUIRE(depeg.by_time.size() == 3);
  CHECK(depeg.by_time[0] == doctest::Approx(0.1));  // step 0 known at 1h
  CHECK(depeg.by_time[1] == doctest::Approx(0.2));  // step 23 known at exactly 24h
  CHECK(depeg.by_time[2] == doctest::Approx(0.3));  // step 30 known at 31h
  const EventSummary& never = s.events[1];
  CHECK(never.count == 0);
  CHECK(never.ci.low == 0.0);
  CHECK(never.by_time == std::vector<double>{0.0, 0.0, 0.0});

  REQUIRE(s.finals.size() == 1);
  const SampleStats& f = s.finals[0].stats;
  CHECK(f.n_defined == 9);
  CHECK(f.mean == doctest::Approx(5.0));
  CHECK(f.std_err == doctest::Approx(std::sqrt(7.5) / 3.0));  // var of 1..9 = 9·10/12 = 7.5
  CHECK(f.min == 1.0);
  CHECK(f.max == 9.0);
  CHECK(f.quantiles[3] == doctest::Approx(5.0));
  CHECK(f.quantiles[1] == doctest::Approx(1.4));  // h = 8·0.05 = 0.4

  REQUIRE(s.bands.size() == 1);
  const auto& b = s.bands[0].bands;
  REQUIRE(b.size() == 3);
  for (double q : b[0]) CHECK(std::fabs(q - 1.0) <= BandSketch::kAlpha);
  CHECK(b[1][0] == 0.0);   // half the paths are exactly zero: the zero bucket is exact
  CHECK(b[1][2] == 0.0);   // 25%: h = 2.25, both neighbours zero
  CHECK(std::fabs(b[1][6] - 2.0) <= 2.0 * BandSketch::kAlpha);
  // -0..-9: median h = 4.5 between -5 and -4
  CHECK(std::fabs(b[2][3] - (-4.5)) <= 5.0 * BandSketch::kAlpha);
}

TEST_CASE("summary: table and JSON") {
  RunData d = hand_made();
  d.meta.scenario = "hand";
  d.meta.protocol = "kai";
  d.meta.shard = "all";
  const Summary s = summarize(d);
  const std::string table = summary_table(s, d.meta);
  CHECK(table.find("depeg") != std::string::npos);
  CHECK(table.find("3/10") != std::string::npos);
  CHECK(table.find("[0.1078, 0.6032]") != std::string::npos);
  CHECK(table.find("price_final") != std::string::npos);
  const std::string json = summary_json(s, d.meta);
  CHECK(json.find("\"depeg\":{\"probability\":0.3,") != std::string::npos);
  CHECK(json.find("\"method\":\"wilson\"") != std::string::npos);
  CHECK(json.find("nan") == std::string::npos);
  CHECK(json.front() == '{');
}
