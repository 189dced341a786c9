// Rankings of a one-at-a-time sensitivity (docs/sensitivity.md): which behaviour parameter moves
// each event probability (and each chosen final) the most, on common random numbers.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/output/number_text.hpp"
#include "engine/output/summary.hpp"
#include "engine/output/sweep_data.hpp"
#include "engine/stats/sample_stats.hpp"

namespace stampede {

std::vector<EventRanking> rank_events(const SweepData& sweep) {
  std::vector<EventRanking> out;
  if (!sweep.sensitivity || sweep.points.empty()) return out;
  const SensitivityData& s = *sweep.sensitivity;
  const auto& events = sweep.points[0].run.schema.events;
  for (std::size_t e = 0; e < events.size(); ++e) {
    EventRanking r{events[e], {}};
    for (std::size_t k = 0; k < s.params.size(); ++k) {
      const RunData& lo = sweep.points.at(s.params[k].low_point).run;
      const RunData& hi = sweep.points.at(s.params[k].high_point).run;
      SensitivityRow row;
      row.param = k;
      row.counts = paired_counts(lo, hi, e);
      const auto n = static_cast<double>(row.counts.n());
      row.p_low = n > 0 ? static_cast<double>(row.counts.both + row.counts.only_a) / n : std::nan("");
      row.p_high = n > 0 ? static_cast<double>(row.counts.both + row.counts.only_b) / n : std::nan("");
      row.effect = paired_difference(row.counts);
      r.rows.push_back(row);
    }
    std::stable_sort(r.rows.begin(), r.rows.end(), [](const SensitivityRow& a, const SensitivityRow& b) {
      return std::fabs(a.effect.difference) > std::fabs(b.effect.difference);
    });
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<FinalRanking> rank_finals(const SweepData& sweep) {
  std::vector<FinalRanking> out;
  if (!sweep.sensitivity || sweep.points.empty()) return out;
  const SensitivityData& s = *sweep.sensitivity;
  const auto& finals = sweep.points[0].run.schema.finals;
  for (const std::string& name : s.finals) {
    const auto it = std::find(finals.begin(), finals.end(), name);
    if (it == finals.end()) continue;
    const auto m = static_cast<std::size_t>(it - finals.begin());
    FinalRanking r{name, {}};
    for (std::size_t k = 0; k < s.params.size(); ++k) {
      const SampleStats lo = describe(sweep.points.at(s.params[k].low_point).run.paths.final_column(m));
      const SampleStats hi = describe(sweep.points.at(s.params[k].high_point).run.paths.final_column(m));
      r.rows.push_back(FinalEffect{k, lo.quantiles[3], hi.quantiles[3], lo.quantiles[1], hi.quantiles[1]});
    }
    auto size = [](const FinalEffect& f) {
      const double d = std::fabs(f.median_high - f.median_low);
      return std::isnan(d) ? -1.0 : d;
    };
    std::stable_sort(r.rows.begin(), r.rows.end(),
                     [&](const FinalEffect& a, const FinalEffect& b) { return size(a) > size(b); });
    out.push_back(std::move(r));
  }
  return out;
}

std::string sensitivity_table(const SweepData& sweep, std::size_t top) {
  const RunMeta& m = sweep.meta;
  const SensitivityData& s = *sweep.sensitivity;
  std::string out = fmt::format(
      "{} ({}), seed {}: sensitivity of {} behaviour parameters (value -/+ {}·|value|{}), {} paths per point, shard "
      "{}, common random numbers\n",
      m.scenario, m.protocol, m.seed, s.params.size(), num4(s.step),
      s.abs_step > 0 ? fmt::format(", -/+ {} at 0", num4(s.abs_step)) : std::string(),
      sweep.points.empty() ? 0 : sweep.points[0].run.paths.size(), m.shard);
  if (!sweep.points.empty()) {
    out += "\nbaseline";
    const Summary baseline = summarize(sweep.points[0].run);
    out += events_table(baseline);
    out += by_time_table(baseline);
  }
  for (const EventRanking& r : rank_events(sweep)) {
    if (r.rows.empty() || r.rows.front().effect.difference == 0.0) {
      out += fmt::format("\n{}: no parameter moves it (no path changes its outcome at any low or high value)\n",
                         r.event);
      continue;
    }
    out += fmt::format("\n{}: the parameters that move it most (P at the low / high value; P(high) - P(low) with "
                       "Newcombe's paired 95% interval)\n",
                       r.event);
    out += fmt::format("{:<44} {:>19} {:>13} {:>9} {:>21} {:>11}\n", "parameter", "low / high value", "P low / high",
                       "effect", "95% CI", "discordant");
    for (std::size_t i = 0; i < r.rows.size() && i < top; ++i) {
      const SensitivityRow& row = r.rows[i];
      const SensitivityParam& p = s.params[row.param];
      out += fmt::format("{:<44} {:>19} {:>13} {:>9} {:>21} {:>11}\n", p.key,
                         fmt::format("{} / {}", num4(p.low), num4(p.high)),
                         fmt::format("{} / {}", num4(row.p_low), num4(row.p_high)), signed4(row.effect.difference),
                         fmt::format("[{}, {}]", signed4(row.effect.low), signed4(row.effect.high)),
                         fmt::format("{}+{}", row.counts.only_a, row.counts.only_b));
    }
  }
  for (const FinalRanking& r : rank_finals(sweep)) {
    out += fmt::format("\n{}: the parameters that move its median most (median and 5% quantile at the low / high "
                       "value)\n",
                       r.final_name);
    out += fmt::format("{:<44} {:>19} {:>23} {:>23}\n", "parameter", "low / high value", "median low / high",
                       "q5 low / high");
    for (std::size_t i = 0; i < r.rows.size() && i < top; ++i) {
      const FinalEffect& f = r.rows[i];
      const SensitivityParam& p = s.params[f.param];
      out += fmt::format("{:<44} {:>19} {:>23} {:>23}\n", p.key, fmt::format("{} / {}", num4(p.low), num4(p.high)),
                         fmt::format("{} / {}", num4(f.median_low), num4(f.median_high)),
                         fmt::format("{} / {}", num4(f.q05_low), num4(f.q05_high)));
    }
  }
  // Zero-valued parameters are counted, the others listed with the reason.
  std::size_t zero = 0;
  std::string listed;
  for (const auto& [key, why] : s.skipped) {
    if (why.rfind("value 0 ", 0) == 0) ++zero;
    else listed += "\n  " + key + ": " + why;
  }
  if (zero > 0)
    out += fmt::format("\n{} parameters with value 0 were not moved (channels that are off; --abs-step moves them)\n",
                       zero);
  if (!listed.empty()) out += "\nnot moved (neither side is a valid scenario):" + listed + "\n";
  std::string one_sided;
  for (const SensitivityParam& p : s.params)
    if (!p.note.empty()) one_sided += "\n  " + p.key + ": " + p.note;
  if (!one_sided.empty()) out += "\nmoved on one side only (the other is not a valid scenario):" + one_sided + "\n";
  return out;
}

}  // namespace stampede
