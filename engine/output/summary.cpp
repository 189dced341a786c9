#include "engine/output/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

std::string json_num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

std::string json_str(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else out += c;
    }
  }
  return out + "\"";
}

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
  std::string out = "{";
  out += fmt::format("\"scenario\":{},\"protocol\":{},\"seed\":{},\"shard\":{},\"n_paths\":{},\"paths_held\":{},",
                     json_str(meta.scenario), json_str(meta.protocol), meta.seed, json_str(meta.shard), meta.n_paths,
                     s.n_paths);
  out += "\"events\":{";
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const EventSummary& e = s.events[i];
    out += fmt::format("{}{}:{{\"probability\":{},\"ci_low\":{},\"ci_high\":{},\"count\":{},\"n\":{},"
                       "\"method\":\"wilson\"}}",
                       i ? "," : "", json_str(e.name), json_num(e.ci.p), json_num(e.ci.low), json_num(e.ci.high),
                       e.count, e.n);
  }
  out += "},\"finals\":{";
  for (std::size_t i = 0; i < s.finals.size(); ++i) {
    const FinalSummary& f = s.finals[i];
    out += fmt::format("{}{}:{{\"mean\":{},\"std_err\":{},\"min\":{},\"max\":{},\"n_defined\":{},\"quantiles\":{{",
                       i ? "," : "", json_str(f.name), json_num(f.stats.mean), json_num(f.stats.std_err),
                       json_num(f.stats.min), json_num(f.stats.max), f.stats.n_defined);
    for (std::size_t q = 0; q < kQuantileLevels.size(); ++q)
      out += fmt::format("{}\"{}\":{}", q ? "," : "", kQuantileLevels[q], json_num(f.stats.quantiles[q]));
    out += "}}";
  }
  out += "}}\n";
  return out;
}

}  // namespace stampede
