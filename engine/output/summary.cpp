#include "engine/output/summary.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/core/errors.hpp"
#include "engine/output/number_text.hpp"

namespace stampede {

namespace {
constexpr std::uint64_t kBootstrapSeed = 0x7374616d70656465ull;  // "stampede"
}  // namespace

Summary summarize(const RunData& run) {
  const auto& schema = run.schema;
  const std::size_t n_records = run.time.size();
  Summary s;
  s.n_paths = static_cast<std::int64_t>(run.paths.size());
  s.time = run.time;

  for (std::size_t e = 0; e < schema.events.size(); ++e) {
    EventSummary ev;
    ev.name = schema.events[e];
    ev.n = s.n_paths;
    // An event first seen in step k is known at the end of that step, t = (k+1)·dt.
    // Each hit counts from the first record time >= known_at on (time is ascending).
    std::vector<std::int64_t> hits_by_time(n_records + 1, 0);
    std::vector<double> times;
    for (const std::int64_t k : run.paths.event_column(e)) {
      if (k < 0) continue;
      ++ev.count;
      const double known_at = static_cast<double>(k + 1) * static_cast<double>(run.meta.dt_seconds);
      times.push_back(known_at);
      const auto first = std::lower_bound(run.time.begin(), run.time.end(), known_at) - run.time.begin();
      ++hits_by_time[static_cast<std::size_t>(first)];
    }
    for (std::size_t r = 1; r < n_records; ++r) hits_by_time[r] += hits_by_time[r - 1];
    ev.ci = wilson(ev.count, ev.n);
    ev.time_to_event = describe(times);
    ev.by_time.resize(n_records);
    for (std::size_t r = 0; r < n_records; ++r)
      ev.by_time[r] = ev.n > 0 ? static_cast<double>(hits_by_time[r]) / static_cast<double>(ev.n)
                               : std::nan("");
    s.events.push_back(std::move(ev));
  }

  for (std::size_t m = 0; m < schema.finals.size(); ++m) {
    const std::vector<double> column = run.paths.final_column(m);
    const Tail tail = m < schema.final_tails.size() ? schema.final_tails[m] : Tail::none;
    // A fixed bootstrap seed per final: the same file (or merged shards) gives the same intervals.
    s.finals.push_back(FinalSummary{schema.finals[m], describe(column),
                                    tail_risk(column, tail, kBootstrapSeed + m)});
  }

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
constexpr double kDay = 86400.0;

std::string days(std::int64_t seconds) {
  return seconds % 86400 == 0 ? fmt::format("{}d", seconds / 86400) : fmt::format("{:.4g}d", seconds / kDay);
}

}  // namespace

std::string events_table(const Summary& s) {
  if (s.events.empty()) return "";
  std::string out = fmt::format("\n{:<24} {:>11} {:>11} {:>19} {:>20}\n", "event", "probability", "count/n",
                                "95% CI (Wilson)", "days to event q5/50/95");
  for (const EventSummary& e : s.events) {
    const auto& t = e.time_to_event;
    const std::string tte = t.n_defined == 0 ? "-"
                                             : fmt::format("{}/{}/{}", num4(t.quantiles[1] / kDay),
                                                           num4(t.quantiles[3] / kDay), num4(t.quantiles[5] / kDay));
    out += fmt::format("{:<24} {:>11} {:>11} {:>19} {:>20}\n", e.name, num4(e.ci.p), fmt::format("{}/{}", e.count, e.n),
                       fmt::format("[{}, {}]", num4(e.ci.low), num4(e.ci.high)), tte);
  }
  return out;
}

std::vector<std::size_t> by_time_columns(const std::vector<double>& time) {
  std::vector<std::size_t> cols;
  if (time.empty()) return cols;
  for (const int percent : {10, 25, 50, 75, 100}) {
    // time.back()·percent is exact (whole seconds), the division rounds once.
    const double at = time.back() * percent / 100.0;
    const auto r = std::min(static_cast<std::size_t>(std::lower_bound(time.begin(), time.end(), at) - time.begin()),
                            time.size() - 1);
    if (cols.empty() || cols.back() != r) cols.push_back(r);
  }
  return cols;
}

std::string by_time_table(const Summary& s) {
  if (s.events.empty() || s.time.empty()) return "";
  const std::vector<std::size_t> cols = by_time_columns(s.time);
  std::string out = fmt::format("\n{:<24}", "P(event by day)");
  for (const std::size_t r : cols) out += fmt::format(" {:>9}", fmt::format("{:.4g}d", s.time[r] / kDay));
  out += "\n";
  for (const EventSummary& e : s.events) {
    out += fmt::format("{:<24}", e.name);
    for (const std::size_t r : cols) out += fmt::format(" {:>9}", r < e.by_time.size() ? num4(e.by_time[r]) : "-");
    out += "\n";
  }
  return out;
}

std::string risk_table(const Summary& s, const RunMeta& meta) {
  std::string out;
  for (const FinalSummary& f : s.finals) {
    if (f.risk.tail == Tail::none || f.risk.n_defined == 0) continue;
    if (out.empty())
      out = fmt::format("\nrisk over the {} horizon (VaR = the quantile at the bad tail, ES = mean beyond it; "
                        "[95% bootstrap interval])\n{:<24} {:>6} {:>28} {:>28}\n",
                        days(meta.horizon_seconds), "final", "tail", "VaR 95% / 99%", "ES 95% / 99%");
    const TailFigure &a = f.risk.at[0], &b = f.risk.at[1];
    out += fmt::format("{:<24} {:>6} {:>28} {:>28}\n", f.name, to_string(f.risk.tail),
                       fmt::format("{} / {}", num4(a.var), num4(b.var)), fmt::format("{} / {}", num4(a.es), num4(b.es)));
    out += fmt::format("{:<24} {:>6} {:>28} {:>28}\n", "", "",
                       fmt::format("[{}, {}] / [{}, {}]", num4(a.var_low), num4(a.var_high), num4(b.var_low),
                                   num4(b.var_high)),
                       fmt::format("[{}, {}] / [{}, {}]", num4(a.es_low), num4(a.es_high), num4(b.es_low),
                                   num4(b.es_high)));
  }
  return out;
}

std::string summary_table(const Summary& s, const RunMeta& meta) {
  std::string out = fmt::format("{} ({}), seed {}, {} of {} paths, shard {}\n", meta.scenario, meta.protocol,
                                meta.seed, s.n_paths, meta.n_paths, meta.shard);
  if (meta.paths_rule != "paths")
    out += fmt::format("paths decided by a precision target: 95% half-width <= {} ({}; widest reached {})\n",
                       num4(meta.ci_half_width_target),
                       meta.paths_rule == "precision" ? "reached" : "not reached: stopped at stop.max_paths",
                       num4(meta.ci_half_width_reached));
  out += events_table(s);
  out += by_time_table(s);
  if (!s.finals.empty()) {
    out += fmt::format("\n{:<24} {:>12} {:>12} {:>12} {:>12} {:>12} {:>9}\n", "final", "mean", "std", "q5", "q50",
                       "q95", "defined");
    for (const FinalSummary& f : s.finals)
      out += fmt::format("{:<24} {:>12} {:>12} {:>12} {:>12} {:>12} {:>9}\n", f.name, num(f.stats.mean),
                         num(f.stats.std_dev), num(f.stats.quantiles[1]), num(f.stats.quantiles[3]),
                         num(f.stats.quantiles[5]), f.stats.n_defined);
  }
  out += risk_table(s, meta);
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
  for (const EventSummary& e : s.events) {
    Json tte_q = Json::object();
    for (std::size_t q = 0; q < kQuantileLevels.size(); ++q)
      tte_q[fmt::format("{}", kQuantileLevels[q])] = e.time_to_event.quantiles[q] / kDay;
    events[e.name] = Json{{"probability", e.ci.p},
                          {"ci_low", e.ci.low},
                          {"ci_high", e.ci.high},
                          {"count", e.count},
                          {"n", e.n},
                          {"method", "wilson"},
                          {"time_to_event_days",
                           Json{{"n", e.time_to_event.n_defined},
                                {"mean", e.time_to_event.mean / kDay},
                                {"quantiles", std::move(tte_q)}}}};
    // The whole P(event by t) curve: by_time[r] at time[r], in days.
    Json days = Json::array(), probability = Json::array();
    for (std::size_t r = 0; r < s.time.size(); ++r) {
      days.push_back(s.time[r] / kDay);
      probability.push_back(r < e.by_time.size() ? e.by_time[r] : std::nan(""));
    }
    events[e.name]["by_time"] = Json{{"days", std::move(days)}, {"probability", std::move(probability)}};
  }
  j["events"] = std::move(events);
  Json finals = Json::object();
  for (const FinalSummary& f : s.finals) {
    Json quantiles = Json::object();
    for (std::size_t q = 0; q < kQuantileLevels.size(); ++q)
      quantiles[fmt::format("{}", kQuantileLevels[q])] = f.stats.quantiles[q];  // "0.01", ..., "0.99"
    Json final{{"mean", f.stats.mean},
               {"std", f.stats.std_dev},
               {"std_err", f.stats.std_err},
               {"min", f.stats.min},
               {"max", f.stats.max},
               {"n_defined", f.stats.n_defined},
               {"quantiles", std::move(quantiles)}};
    if (f.risk.tail != Tail::none) {
      Json risk{{"tail", to_string(f.risk.tail)}, {"horizon_days", static_cast<double>(meta.horizon_seconds) / kDay}};
      for (const TailFigure& t : f.risk.at) {
        const int pct = static_cast<int>(std::lround(t.confidence * 100));
        risk[fmt::format("var_{}", pct)] = Json{{"value", t.var}, {"ci_low", t.var_low}, {"ci_high", t.var_high}};
        risk[fmt::format("es_{}", pct)] = Json{{"value", t.es}, {"ci_low", t.es_low}, {"ci_high", t.es_high}};
      }
      final["risk"] = std::move(risk);
    }
    finals[f.name] = std::move(final);
  }
  j["finals"] = std::move(finals);
  // Names come from the user's YAML: bytes that are not UTF-8 become U+FFFD rather than
  // invalid JSON or an exception.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace stampede
