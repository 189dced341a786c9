#include "engine/output/splitting_data.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/output/number_text.hpp"

namespace stampede {

SplittingEstimate combine_runs(const std::vector<SplittingRun>& runs) {
  SplittingEstimate e;
  e.runs = static_cast<std::int64_t>(runs.size());
  if (runs.empty()) {
    e.p = e.std_err = e.low = e.high = e.relative_error = e.brute_force_paths = std::nan("");
    return e;
  }
  double sum = 0.0;
  for (const auto& r : runs) {
    sum += r.estimate;
    e.path_steps += r.path_steps;
    e.extinct_runs += r.extinct;
  }
  if (e.extinct_runs == e.runs) {
    e.all_extinct = true;
    e.p = e.std_err = e.low = e.high = e.relative_error = e.brute_force_paths = std::nan("");
    return e;
  }
  const auto R = static_cast<double>(runs.size());
  e.p = sum / R;
  double ss = 0.0;
  for (const auto& r : runs) ss += (r.estimate - e.p) * (r.estimate - e.p);
  e.std_err = runs.size() > 1 ? std::sqrt(ss / (R - 1.0) / R) : std::nan("");
  constexpr double z = 1.959963984540054;
  e.low = std::max(0.0, e.p - z * e.std_err);
  e.high = e.p + z * e.std_err;
  e.relative_error = e.p > 0 ? e.std_err / e.p : std::nan("");
  e.brute_force_paths =
      e.p > 0 && e.relative_error > 0 ? (1.0 - e.p) / (e.p * e.relative_error * e.relative_error) : std::nan("");
  std::vector<double> sorted;
  for (const auto& r : runs) sorted.push_back(r.estimate);
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  e.median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  const std::size_t top = std::max<std::size_t>(1, n / 10);
  double top_sum = 0.0;
  for (std::size_t i = n - top; i < n; ++i) top_sum += sorted[i];
  e.top_decile_share = sum > 0 ? top_sum / sum : 0.0;
  return e;
}

namespace {
// What the report says of extinct runs: why there is no estimate, or a warning.
std::string all_extinct_text(const SplittingEstimate& e) {
  return fmt::format("all {} runs went extinct: the score plateaus; raise replicas or change the score", e.runs);
}
std::string heavy_tail_text(const SplittingEstimate& e) {
  return fmt::format("the largest {} of {} runs carry {}% of the estimate (median run {}): the runs' estimates are "
                     "heavy-tailed, the interval is not to be trusted; raise replicas and runs or change the score",
                     std::max<std::int64_t>(1, e.runs / 10), e.runs, num4(100 * e.top_decile_share), num4(e.median));
}
std::string many_extinct_text(const SplittingEstimate& e) {
  return fmt::format("{} of {} runs went extinct (more than {}%): the score plateaus and the interval is not to be "
                     "trusted; raise replicas or change the score",
                     e.extinct_runs, e.runs, num4(100 * SplittingEstimate::kExtinctWarning));
}
}  // namespace

std::string splitting_table(const SplittingData& d) {
  const RunMeta& m = d.meta;
  const SplittingEstimate e = combine_runs(d.runs);
  std::string out = fmt::format("{} ({}), seed {}: rare-event splitting (adaptive multilevel splitting) of '{}'\n",
                                m.scenario, m.protocol, m.seed, d.event);
  out += fmt::format("score: {} (event at {})\n", d.score_doc, num4(d.level));
  out += fmt::format("{} of {} independent runs of {} replicas, {} killed per iteration, shard {}\n\n", d.runs.size(),
                     m.n_paths, d.replicas, d.kill, m.shard);
  if (e.all_extinct)
    out += fmt::format("P({}): no estimate: {}\n", d.event, all_extinct_text(e));
  else
    out += fmt::format("P({}) = {}   95% CI [{}, {}]   std err {} (relative {})\n", d.event, num4(e.p), num4(e.low),
                       num4(e.high), num4(e.std_err), num4(e.relative_error));
  const double steps = static_cast<double>(e.path_steps);
  const double paths_equiv = steps / static_cast<double>(std::max<std::int64_t>(m.n_steps, 1));
  out += fmt::format("cost: {} path-steps ({} paths' worth)", e.path_steps, num4(paths_equiv));
  if (!std::isnan(e.brute_force_paths))
    out += fmt::format("; brute force would need {} paths for the same relative error ({}x the cost)",
                       num4(e.brute_force_paths), num4(e.brute_force_paths / paths_equiv));
  out += "\n";
  std::int64_t iterations = 0;
  for (const auto& r : d.runs) iterations += r.iterations;
  out += fmt::format("iterations per run: {} on average; runs that went extinct (estimate 0): {}\n",
                     num4(d.runs.empty() ? 0.0 : static_cast<double>(iterations) / static_cast<double>(d.runs.size())),
                     e.extinct_runs);
  if (!e.all_extinct) {
    out += fmt::format("runs' estimates: median {}, largest {}; the largest tenth of the runs carry {}% of their sum\n",
                       num4(e.median), num4(d.runs.empty() ? 0.0 : std::max_element(d.runs.begin(), d.runs.end(),
                                                                   [](const auto& a, const auto& b) {
                                                                     return a.estimate < b.estimate;
                                                                   })->estimate),
                       num4(100 * e.top_decile_share));
    if (e.many_extinct()) out += "warning: " + many_extinct_text(e) + "\n";
    if (e.heavy_tailed()) out += "warning: " + heavy_tail_text(e) + "\n";
  }
  return out;
}

std::string splitting_json(const SplittingData& d) {
  using Json = nlohmann::ordered_json;
  const RunMeta& m = d.meta;
  const SplittingEstimate e = combine_runs(d.runs);
  Json runs = Json::array();
  for (const auto& r : d.runs)
    runs.push_back(Json{{"run", r.run},
                        {"estimate", r.estimate},
                        {"iterations", r.iterations},
                        {"reached", r.reached},
                        {"path_steps", r.path_steps},
                        {"extinct", r.extinct}});
  Json j{{"scenario", m.scenario},
         {"protocol", m.protocol},
         {"seed", m.seed},
         {"shard", m.shard},
         {"method", "adaptive multilevel splitting"},
         {"event", d.event},
         {"level", d.level},
         {"replicas", d.replicas},
         {"kill_per_iteration", d.kill},
         {"runs_configured", m.n_paths},
         {"runs_held", static_cast<std::int64_t>(d.runs.size())},
         {"probability", e.p},
         {"ci_low", e.low},
         {"ci_high", e.high},
         {"std_err", e.std_err},
         {"relative_error", e.relative_error},
         {"path_steps", e.path_steps},
         {"brute_force_paths", e.brute_force_paths},
         {"extinct_runs", e.extinct_runs},
         {"all_extinct", e.all_extinct},
         {"median_run", e.median},
         {"top_decile_share", e.top_decile_share},
         {"heavy_tailed", e.heavy_tailed()}};
  // No estimate: probability and its interval are null (NaN), and the note says why.
  if (e.all_extinct) {
    j["no_estimate"] = all_extinct_text(e);
  } else {
    std::string w = e.many_extinct() ? many_extinct_text(e) : "";
    if (e.heavy_tailed()) w += (w.empty() ? "" : "; ") + heavy_tail_text(e);
    if (!w.empty()) j["warning"] = w;
  }
  j["runs"] = std::move(runs);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

SplittingData merge_splitting(std::vector<SplittingData> parts, const std::vector<std::string>& sources) {
  if (parts.empty()) throw InputError("merge: nothing to merge");
  auto name = [&](std::size_t i) { return i < sources.size() ? sources[i] : fmt::format("part {}", i + 1); };
  SplittingData out = parts[0];
  out.runs.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const SplittingData& p = parts[i];
    if (p.meta.config_sha256 != out.meta.config_sha256 || p.meta.seed != out.meta.seed || p.event != out.event ||
        p.replicas != out.replicas || p.kill != out.kill)
      throw InputError(fmt::format("merge: {} and {} are not shards of the same splitting run", name(0), name(i)));
    out.runs.insert(out.runs.end(), p.runs.begin(), p.runs.end());
  }
  std::sort(out.runs.begin(), out.runs.end(), [](const SplittingRun& a, const SplittingRun& b) { return a.run < b.run; });
  for (std::size_t i = 1; i < out.runs.size(); ++i)
    if (out.runs[i].run == out.runs[i - 1].run)
      throw InputError(fmt::format("merge: run {} is held twice", out.runs[i].run));
  const bool all = static_cast<std::int64_t>(out.runs.size()) == out.meta.n_paths &&
                   (out.runs.empty() || out.runs.back().run + 1 == out.runs.size());
  if (all) out.meta.shard = "all";
  else {
    out.meta.shard.clear();
    for (const auto& p : parts) out.meta.shard += (out.meta.shard.empty() ? "" : ",") + p.meta.shard;
  }
  double wall = 0;
  for (const auto& p : parts) wall += p.meta.wall_seconds;
  out.meta.wall_seconds = wall;
  return out;
}

}  // namespace stampede
