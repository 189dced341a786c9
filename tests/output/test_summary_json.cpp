// summary_json (`stampede run/report --json`): read back with nlohmann/json, the field names and
// nesting consumers rely on, names that need escaping, and non-finite numbers as null.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/output/summary.hpp"

using namespace stampede;
using Json = nlohmann::ordered_json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

RunMeta meta_named(const std::string& scenario) {
  RunMeta m;
  m.scenario = scenario;
  m.protocol = "kai";
  m.shard = "1/2";
  m.seed = 42;
  m.n_paths = 10;
  return m;
}

SampleStats stats_of(double mean, double min, double max, double quantile) {
  SampleStats st{};
  st.n_defined = 3;
  st.mean = mean;
  st.std_dev = 1.0;
  st.std_err = 0.5;
  st.min = min;
  st.max = max;
  st.quantiles.fill(quantile);
  return st;
}

Summary one_of_each(const std::string& event, const std::string& final_name, const SampleStats& st) {
  Summary s;
  s.n_paths = 5;
  s.events.push_back(EventSummary{event, 2, 5, WilsonInterval{0.4, 0.1, 0.8}, {}});
  s.finals.push_back(FinalSummary{final_name, st});
  return s;
}

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& [k, v] : object.items()) out.push_back(k);
  return out;
}

}  // namespace

TEST_CASE("summary JSON: field names, order and nesting") {
  const std::string text = summary_json(one_of_each("depeg", "price_final", stats_of(1.5, 1.0, 2.0, 1.25)),
                                        meta_named("smoke"));
  CHECK(text.back() == '\n');
  const Json j = Json::parse(text);
  CHECK(keys(j) == std::vector<std::string>{"scenario", "protocol", "seed", "shard", "n_paths", "paths_held",
                                            "events", "finals"});
  CHECK(j["scenario"] == "smoke");
  CHECK(j["protocol"] == "kai");
  CHECK(j["seed"] == 42);
  CHECK(j["shard"] == "1/2");
  CHECK(j["n_paths"] == 10);
  CHECK(j["paths_held"] == 5);
  const Json& e = j["events"]["depeg"];
  CHECK(keys(e) == std::vector<std::string>{"probability", "ci_low", "ci_high", "count", "n", "method",
                                            "time_to_event_days", "by_time"});
  // No records: an empty curve.
  CHECK(keys(e["by_time"]) == std::vector<std::string>{"days", "probability"});
  CHECK(e["by_time"]["days"].empty());
  CHECK(e["by_time"]["probability"].empty());
  CHECK(e["probability"] == 0.4);
  CHECK(e["ci_low"] == 0.1);
  CHECK(e["ci_high"] == 0.8);
  CHECK(e["count"] == 2);
  CHECK(e["n"] == 5);
  CHECK(e["method"] == "wilson");
  const Json& f = j["finals"]["price_final"];
  CHECK(keys(f) == std::vector<std::string>{"mean", "std", "std_err", "min", "max", "n_defined", "quantiles"});
  CHECK(f["mean"] == 1.5);
  CHECK(f["n_defined"] == 3);
  CHECK(keys(f["quantiles"]) == std::vector<std::string>{"0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99"});
  CHECK(f["quantiles"]["0.5"] == 1.25);
  // Compact, one line, as before.
  CHECK(text.find('\n') == text.size() - 1);
  CHECK(text.find("\"depeg\":{\"probability\":0.4,\"ci_low\":0.1,") != std::string::npos);
}

TEST_CASE("summary JSON: empty events and finals are empty objects") {
  Summary s;
  const Json j = Json::parse(summary_json(s, meta_named("empty")));
  CHECK(j["events"].is_object());
  CHECK(j["events"].empty());
  CHECK(j["finals"].is_object());
  CHECK(j["finals"].empty());
}

TEST_CASE("summary JSON: names with quotes, backslashes and control characters round-trip") {
  std::string nasty = "say \"hi\" \\ C:\\path\\ /slash\n\t\r\b\f";
  for (int c = 0; c < 0x20; ++c) nasty += static_cast<char>(c);  // every control character, NUL included
  nasty += "\x7f caf\xc3\xa9 \xe2\x82\xac";  // DEL and UTF-8 (é, €) pass through
  const std::string event = "ev\"\\\n" + std::string(1, '\0') + "end";
  const std::string final_name = "fin\x01\x1f\"}{,:[";
  RunMeta meta = meta_named(nasty);
  meta.protocol = "\"kai\"";
  meta.shard = "a\\b";
  meta.seed = std::numeric_limits<std::uint64_t>::max();  // the whole uint64 range
  const std::string text = summary_json(one_of_each(event, final_name, stats_of(1.0, 0.0, 2.0, 1.0)), meta);

  // Strictly valid JSON: no raw control characters inside it (only the final newline).
  for (std::size_t i = 0; i + 1 < text.size(); ++i)
    CHECK_MESSAGE(static_cast<unsigned char>(text[i]) >= 0x20, "raw control character at byte ", i);
  const Json j = Json::parse(text);
  CHECK(j["scenario"].get<std::string>() == nasty);
  CHECK(j["protocol"].get<std::string>() == "\"kai\"");
  CHECK(j["shard"].get<std::string>() == "a\\b");
  CHECK(j["seed"].is_number_unsigned());
  CHECK(j["seed"].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
  REQUIRE(j["events"].size() == 1);
  CHECK(j["events"].begin().key() == event);
  CHECK(j["events"][event]["count"] == 2);
  REQUIRE(j["finals"].size() == 1);
  CHECK(j["finals"].begin().key() == final_name);
  CHECK(j["finals"][final_name]["mean"] == 1.0);
}

TEST_CASE("summary JSON: bytes that are not UTF-8 still give valid JSON") {
  const std::string bad = "bad\xff\xfe utf8 \xc3";
  const Json j = Json::parse(summary_json(Summary{}, meta_named(bad)));
  CHECK(j["scenario"].get<std::string>() == "bad\xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd");  // U+FFFD each
}

TEST_CASE("summary JSON: NaN and infinite finals come out as null") {
  Summary s = one_of_each("never", "ratio", stats_of(kNaN, -kInf, kInf, kNaN));
  s.finals[0].stats.std_err = kInf;
  s.finals[0].stats.quantiles[6] = kInf;
  s.finals[0].stats.quantiles[0] = -kInf;
  s.finals[0].stats.quantiles[3] = 2.5;
  s.events[0].ci = WilsonInterval{kNaN, 0.0, 1.0};  // n = 0
  s.events[0].n = 0;
  const std::string text = summary_json(s, meta_named("nonfinite"));
  CHECK(text.find("nan") == std::string::npos);
  CHECK(text.find("NaN") == std::string::npos);
  CHECK(text.find("inf") == std::string::npos);
  const Json j = Json::parse(text);
  const Json& f = j["finals"]["ratio"];
  CHECK(f["mean"].is_null());
  CHECK(f["std_err"].is_null());
  CHECK(f["min"].is_null());
  CHECK(f["max"].is_null());
  CHECK(f["n_defined"] == 3);
  for (const char* q : {"0.01", "0.05", "0.25", "0.75", "0.95", "0.99"}) CHECK_MESSAGE(f["quantiles"][q].is_null(), q);
  CHECK(f["quantiles"]["0.5"] == 2.5);
  CHECK(j["events"]["never"]["probability"].is_null());
  CHECK(j["events"]["never"]["ci_low"] == 0.0);
  CHECK(j["events"]["never"]["ci_high"] == 1.0);
}

TEST_CASE("summary JSON of a summarized run: undefined finals are null") {
  RunData d;
  d.meta = meta_named("all-undefined");
  d.meta.dt_seconds = 3600;
  d.schema = {{"price_final"}, {"depeg"}, {}, {}};
  d.time = {0.0, 3600.0};
  for (std::uint64_t id = 0; id < 3; ++id) {
    PathResult p;
    p.id = id;
    p.finals = {kNaN};
    p.first_step = {-1};
    d.paths.push_back(p);
  }
  const Json j = Json::parse(summary_json(summarize(d), d.meta));
  const Json& f = j["finals"]["price_final"];
  CHECK(f["n_defined"] == 0);
  CHECK(f["mean"].is_null());
  for (const auto& [level, value] : f["quantiles"].items()) CHECK_MESSAGE(value.is_null(), level);
  CHECK(j["events"]["depeg"]["probability"] == 0.0);
}
