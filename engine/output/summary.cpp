#include "engine/output/summary.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/core/errors.hpp"

namespace stampede {

Summary summarize(const RunData& run) {
  const auto& schema = run.schema;
  const std::size_t n_records = run.time.size();
  Summary s;
  s.n_paths = static_cast<std::int64_t>(run.paths.size());

  for (std::size_t e = 0; e < schema.events.size(); ++e) {
    EventSummary ev;
    ev.name = schema.events[e];
    ev.n = s.n_paths;
    // An event first seen in step k is known at the end of that step, t = (k+1)·dt.
    // Each hit counts from the first record time >= known_at on (time is ascending).
    std::vector<std::int64_t> hits_by_time(n_records + 1, 0);
    for (const std::int64_t k : run.paths.event_column(e)) {
      if (k < 0) continue;
      ++ev.count;
      const double known_at = static_cast<double>(k + 1) * static_cast<double>(run.meta.dt_seconds);
      const auto first = std::lower_bound(run.time.begin(), run.time.end(), known_at) - run.time.begin();
      ++hits_by_time[static_cast<std::size_t>(first)];
    }
    for (std::size_t r = 1; r < n_records; ++r) hits_by_time[r] += hits_by_time[r - 1];
    ev.ci = wilson(ev.count, ev.n);
    ev.by_time.resize(n_records);
    for (std::size_t r = 0; r < n_records; ++r)
      ev.by_time[r] = ev.n > 0 ? static_cast<double>(hits_by_time[r]) / static_cast<double>(ev.n)
                               : std::nan("");
    s.events.push_back(std::move(ev));
  }

  for (std::size_t m = 0; m < schema.finals.size(); ++m)
    s.finals.push_back(FinalSummary{schema.finals[m], describe(run.paths.final_column(m))});

  const bool have_sketch = run.bands.n_series() == static_cast<std::int64_t>(schema.series.size()) &&
                           run.bands.n_records() == static_cast<std::int64_t>(n_records);
  if (!schema.series.empty() && !have_sketch)
    throw RuntimeFailure(fmt::format("summary: band sketch is {}x{}, schema needs {}x{}", run.bands.n_series(),
                                     run.bands.n_records(), schema.series.size(), n_records));
  for (std::size_t m = 0; m < schema.series.size(); ++m) {
    BandSummary b{schema.series[m], {}};
    b.bands.reserve(n_records);
    for (std::size_t r = 0; r < n_records; ++r)
      b.bands.push_back(run.bands.quantiles(static_cast<std::int64_t>(m), static_cast<std::int64_t>(r)));
    s.bands.push_back(std::move(b));
  }
  return s;
}

namespace {

std::string num(double v) { return std::isnan(v) ? "-" : fmt::format("{:.6g}", v); }

}  // namespace

std::string summary_table(const Summary& s, const RunMeta& meta) {
  std::string out = fmt::format("{} ({}), seed {}, {} of {} paths, shard {}\n", meta.scenario, meta.protocol,
                                meta.seed, s.n_paths, meta.n_paths, meta.shard);
  if (!s.events.empty()) {
    out += fmt::format("\n{:<24} {:>11} {:>15} {:>23}\n", "event", "probability", "count/n", "95% CI (Wilson)");
    for (const EventSummary& e : s.events)
      out += fmt::format("{:<24} {:>11} {:>15} {:>23}\n", e.name, num(e.ci.p), fmt::format("{}/{}", e.count, e.n),
                         fmt::format("[{}, {}]", num(e.ci.low), num(e.ci.high)));
  }
  if (!s.finals.empty()) {
    out += fmt::format("\n{:<24} {:>12} {:>12} {:>12} {:>12} {:>9}\n", "final", "mean", "q5", "q50", "q95", "defined");
    for (const FinalSummary& f : s.finals)
      out += fmt::format("{:<24} {:>12} {:>12} {:>12} {:>12} {:>9}\n", f.name, num(f.stats.mean),
                         num(f.stats.quantiles[1]), num(f.stats.quantiles[3]), num(f.stats.quantiles[5]),
                         f.stats.n_defined);
  }
  return out;
}

std::string summary_json(const Summary& s, const RunMeta& meta) {
  // nlohmann::ordered_json keeps the fields in the order written here (the order the output has
  // always had); the library escapes every string, writes NaN and ±inf as null, and nests.
  using Json = nlohmann::ordered_json;
  Json j;
  j["scenario"] = meta.scenario;
  j["protocol"] = meta.protocol;
  j["seed"] = meta.seed;
  j["shard"] = meta.shard;
  j["n_paths"] = meta.n_paths;
  j["paths_held"] = s.n_paths;
  Json events = Json::object();
  for (const EventSummary& e : s.events)
    events[e.name] = Json{{"probability", e.ci.p}, {"ci_low", e.ci.low}, {"ci_high", e.ci.high},
                          {"count", e.count},      {"n", e.n},           {"method", "wilson"}};
  j["events"] = std::move(events);
  Json finals = Json::object();
  for (const FinalSummary& f : s.finals) {
    Json quantiles = Json::object();
    for (std::size_t q = 0; q < kQuantileLevels.size(); ++q)
      quantiles[fmt::format("{}", kQuantileLevels[q])] = f.stats.quantiles[q];  // "0.01", ..., "0.99"
    finals[f.name] = Json{{"mean", f.stats.mean},
                          {"std_err", f.stats.std_err},
                          {"min", f.stats.min},
                          {"max", f.stats.max},
                          {"n_defined", f.stats.n_defined},
                          {"quantiles", std::move(quantiles)}};
  }
  j["finals"] = std::move(finals);
  // Names come from the user's YAML: bytes that are not UTF-8 become U+FFFD rather than
  // invalid JSON or an exception.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace stampede
