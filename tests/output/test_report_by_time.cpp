// P(event by t) in the report (`stampede report` / `--json`): the whole curve in the JSON and a
// line per event at a few record times in the table, both equal to the file's
// /summary/events/<event>/by_time, for a single run, merged shards and every point of a sweep.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "engine/output/hdf5_file.hpp"
#include "engine/output/merge.hpp"
#include "engine/output/number_text.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"
#include "engine/output/sweep_data.hpp"
#include "run_fixture.hpp"

using namespace stampede;
using Json = nlohmann::json;

namespace {

// The table's line for `event` after the "P(event by day)" header, split on blanks.
std::vector<std::string> by_time_line(const std::string& table, const std::string& event, std::size_t from = 0) {
  const auto head = table.find("P(event by day)", from);
  REQUIRE(head != std::string::npos);
  std::istringstream in(table.substr(head));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (!w.empty() && w[0] == event) return w;
    if (line.empty()) break;  // the end of this table
  }
  return {};
}

// `run_group` holds time and summary/ (the root of a run's file, /sweep/points/<i> of a sweep's).
// `report` is that run's JSON report object, `table` its text report from `from` on.
void check_against_file(const h5::Group& run_group, const Json& report, const std::string& table,
                        std::size_t from = 0) {
  const std::vector<double> time = run_group.read_doubles("time");
  REQUIRE(!time.empty());
  const std::vector<std::size_t> cols = by_time_columns(time);
  const h5::Group events = run_group.open_group("summary").open_group("events");
  REQUIRE(!events.children().empty());
  for (const std::string& name : events.children()) {
    CAPTURE(name);
    const std::vector<double> by_time = events.open_group(name).read_doubles("by_time");
    REQUIRE(by_time.size() == time.size());
    // --json: the whole curve, bit for bit, at the record times in days.
    const Json& curve = report.at("events").at(name).at("by_time");
    REQUIRE(curve.at("days").size() == time.size());
    REQUIRE(curve.at("probability").size() == time.size());
    for (std::size_t r = 0; r < time.size(); ++r) {
      CHECK(curve["days"][r].get<double>() == time[r] / 86400.0);
      CHECK(curve["probability"][r].get<double>() == by_time[r]);
    }
    // The table: the same values, 4 significant digits, at the chosen records.
    const std::vector<std::string> line = by_time_line(table, name, from);
    REQUIRE(line.size() == cols.size() + 1);
    for (std::size_t c = 0; c < cols.size(); ++c) CHECK(line[c + 1] == num4(by_time[cols[c]]));
  }
}

// The fixture's run with its events moved earlier (a second sweep point with other curves).
RunData earlier(const RunData& run) {
  RunData d;
  d.meta = run.meta;
  d.schema = run.schema;
  d.time = run.time;
  d.bands = run.bands;
  for (std::size_t i = 0; i < run.paths.size(); ++i) {
    PathResult p = run.paths[i];
    for (auto& k : p.first_step)
      if (k >= 0) k /= 2;
      else if (p.id % 3 == 0) k = 100;
    d.paths.push_back(p);
  }
  return d;
}

}  // namespace

TEST_CASE("report by_time: the table's columns are the first records at or after 10/25/50/75/100% of the horizon") {
  // Records at 1..6 days: 0.6d -> 1d, 1.5d -> 2d, 3d, 4.5d -> 5d, 6d.
  CHECK(by_time_columns(fixture::times()) == std::vector<std::size_t>{0, 1, 2, 4, 5});
  // Daily records over 30 days: exactly 3, 7.5 -> 8, 15, 22.5 -> 23, 30 days.
  std::vector<double> days30;
  for (int d = 1; d <= 30; ++d) days30.push_back(d * 86400.0);
  CHECK(by_time_columns(days30) == std::vector<std::size_t>{2, 7, 14, 22, 29});
  // Few records: each shown once.
  CHECK(by_time_columns({86400.0, 172800.0}) == std::vector<std::size_t>{0, 1});
  CHECK(by_time_columns({86400.0}) == std::vector<std::size_t>{0});
  CHECK(by_time_columns({}).empty());
  // No records or no events: no table.
  Summary none;
  CHECK(by_time_table(none).empty());
}

TEST_CASE("report by_time: a single run and its merged shards give the file's curve in the table and the JSON") {
  fixture::TempDir tmp("report_by_time");
  const RunData whole = fixture::run(fixture::range(0, 40), 40, "all");
  write_results(tmp.file("whole.h5"), whole);
  write_results(tmp.file("1.h5"), fixture::run(fixture::range(0, 20), 40, "1/2"));
  write_results(tmp.file("2.h5"), fixture::run(fixture::range(20, 40), 40, "2/2"));
  std::vector<RunData> parts;
  parts.push_back(read_results(tmp.file("2.h5")));
  parts.push_back(read_results(tmp.file("1.h5")));
  write_results(tmp.file("merged.h5"), merge_runs(std::move(parts)));

  for (const char* file : {"whole.h5", "merged.h5"}) {
    CAPTURE(file);
    // What `stampede report FILE [--json]` prints.
    const RunData d = read_results(tmp.file(file));
    const Summary s = summarize(d);
    const Json j = Json::parse(summary_json(s, d.meta));
    const std::string table = summary_table(s, d.meta);
    CHECK(table.find(fmt::format("{:<24} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "P(event by day)", "1d", "2d", "3d", "5d",
                                 "6d")) != std::string::npos);
    check_against_file(h5::File::open_read(tmp.file(file)), j, table);
  }
  // The curve is not trivial: depeg rises over the records (about 30% of paths by the end).
  const Summary s = summarize(whole);
  CHECK(s.events[0].by_time.front() < s.events[0].by_time.back());
  CHECK(s.events[0].by_time.back() > 0.1);
}

TEST_CASE("report by_time: every point of a sweep has its own curve, in the table and the JSON") {
  fixture::TempDir tmp("report_by_time_sweep");
  SweepData sweep;
  sweep.meta = fixture::meta(40, "all");
  sweep.keys = {"market.shocks[0].size"};
  sweep.compare = {{0, 1}};
  const RunData base = fixture::run(fixture::range(0, 40), 40, "all");
  for (int i = 0; i < 2; ++i) {
    SweepPointData p;
    p.name = i == 0 ? "size=-0.1" : "size=-0.6";
    p.overrides = {i == 0 ? "market.shocks[0].size=-0.1" : "market.shocks[0].size=-0.6"};
    p.values = {i == 0 ? "-0.1" : "-0.6"};
    p.x = {i == 0 ? -0.1 : -0.6};
    p.run = i == 0 ? fixture::run(fixture::range(0, 40), 40, "all") : earlier(base);
    sweep.points.push_back(std::move(p));
  }
  write_sweep(tmp.file("s.h5"), sweep);

  const SweepData back = read_sweep(tmp.file("s.h5"));
  const Json j = Json::parse(sweep_json(back));
  const std::string table = sweep_table(back);
  const h5::File f = h5::File::open_read(tmp.file("s.h5"));
  const h5::Group points = f.open_group("sweep").open_group("points");
  REQUIRE(j["points"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    const auto at = table.find(fmt::format("\n[{}] ", i));
    REQUIRE(at != std::string::npos);
    check_against_file(points.open_group(std::to_string(i)), j["points"][i], table, at);
  }
  // The two points' curves differ (the check above read each point's own lines).
  CHECK(j["points"][0]["events"]["depeg"]["by_time"]["probability"] !=
        j["points"][1]["events"]["depeg"]["by_time"]["probability"]);
}
