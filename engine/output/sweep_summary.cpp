#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/output/merge.hpp"
#include "engine/output/number_text.hpp"
#include "engine/output/summary.hpp"
#include "engine/output/sweep_data.hpp"

namespace stampede {

PairedCounts paired_counts(const RunData& a, const RunData& b, std::size_t event) {
  PairedCounts c;
  const std::vector<std::uint64_t> ids_a = a.paths.ids(), ids_b = b.paths.ids();
  const auto col_a = a.paths.event_column(event), col_b = b.paths.event_column(event);
  // Both tables are sorted by id: walk them together, pairing equal ids.
  std::size_t i = 0, j = 0;
  while (i < ids_a.size() && j < ids_b.size()) {
    if (ids_a[i] < ids_b[j]) ++i;
    else if (ids_b[j] < ids_a[i]) ++j;
    else {
      const bool in_a = col_a[i] >= 0, in_b = col_b[j] >= 0;
      if (in_a && in_b) ++c.both;
      else if (in_a) ++c.only_a;
      else if (in_b) ++c.only_b;
      else ++c.neither;
      ++i;
      ++j;
    }
  }
  return c;
}

std::vector<PointComparison> compare_points(const SweepData& sweep) {
  std::vector<PointComparison> out;
  for (const auto& [a, b] : sweep.compare) {
    const RunData &ra = sweep.points.at(a).run, &rb = sweep.points.at(b).run;
    PointComparison c{a, b, {}};
    for (std::size_t e = 0; e < ra.schema.events.size() && e < rb.schema.events.size(); ++e) {
      const PairedCounts counts = paired_counts(ra, rb, e);
      c.events.push_back(EventComparison{ra.schema.events[e], counts, paired_difference(counts)});
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string sweep_table(const SweepData& sweep) {
  const RunMeta& m = sweep.meta;
  std::string out = fmt::format("{} ({}), seed {}, sweep of {} points", m.scenario, m.protocol, m.seed,
                                sweep.points.size());
  if (!sweep.keys.empty()) {
    out += " over ";
    for (std::size_t k = 0; k < sweep.keys.size(); ++k) out += (k ? " x " : "") + sweep.keys[k];
  }
  out += fmt::format(", {} of {} paths each, shard {}, common random numbers\n",
                     sweep.points.empty() ? 0 : sweep.points[0].run.paths.size(), m.n_paths, m.shard);
  if (m.paths_rule != "paths")
    out += fmt::format("paths decided by a precision target: 95% half-width <= {} ({}; widest reached {})\n",
                       num4(m.ci_half_width_target), m.paths_rule == "precision" ? "reached" : "not reached: stopped at stop.max_paths",
                       num4(m.ci_half_width_reached));
  for (std::size_t i = 0; i < sweep.points.size(); ++i) {
    const SweepPointData& p = sweep.points[i];
    std::string set;
    for (const auto& o : p.overrides) set += (set.empty() ? "" : ", ") + o;
    // Grid points are named after their values; named points show what they set.
    out += fmt::format("\n[{}] {}{}\n", i, p.name, set.empty() || !sweep.keys.empty() ? "" : " (" + set + ")");
    const Summary s = summarize(p.run);
    out += events_table(s);
    out += by_time_table(s);
  }
  const auto diffs = compare_points(sweep);
  if (!diffs.empty()) {
    out += "\npaired differences P(b) - P(a) on the same paths (Newcombe's paired score interval, 95%)\n";
    out += fmt::format("{:<20} {:<20} {:<22} {:>9} {:>21} {:>9} {:>9}\n", "a", "b", "event", "P_b-P_a", "95% CI",
                       "only in a", "only in b");
    for (const PointComparison& c : diffs)
      for (const EventComparison& e : c.events)
        out += fmt::format("{:<20} {:<20} {:<22} {:>9} {:>21} {:>9} {:>9}\n", sweep.points[c.a].name,
                           sweep.points[c.b].name, e.name, signed4(e.diff.difference),
                           fmt::format("[{}, {}]", signed4(e.diff.low), signed4(e.diff.high)), e.counts.only_a,
                           e.counts.only_b);
  }
  return out;
}

std::string sweep_json(const SweepData& sweep) {
  using Json = nlohmann::ordered_json;
  const RunMeta& m = sweep.meta;
  Json j;
  j["scenario"] = m.scenario;
  j["protocol"] = m.protocol;
  j["seed"] = m.seed;
  j["shard"] = m.shard;
  j["n_paths"] = m.n_paths;
  j["paths_rule"] = m.paths_rule;
  j["ci_half_width_target"] = m.ci_half_width_target;
  j["ci_half_width_reached"] = m.ci_half_width_reached;
  j["keys"] = sweep.keys;
  Json points = Json::array();
  for (const SweepPointData& p : sweep.points) {
    // Each point's summary is the JSON a single run's report prints.
    Json point = Json::parse(summary_json(summarize(p.run), p.run.meta));
    Json head{{"name", p.name}, {"overrides", p.overrides}, {"values", p.values}, {"x", p.x}};
    for (auto& [k, v] : point.items()) head[k] = v;
    points.push_back(std::move(head));
  }
  j["points"] = std::move(points);
  Json compare = Json::array();
  for (const PointComparison& c : compare_points(sweep)) {
    Json events = Json::object();
    for (const EventComparison& e : c.events)
      events[e.name] = Json{{"difference", e.diff.difference}, {"ci_low", e.diff.low}, {"ci_high", e.diff.high},
                            {"both", e.counts.both},           {"only_a", e.counts.only_a},
                            {"only_b", e.counts.only_b},       {"neither", e.counts.neither},
                            {"method", "newcombe-paired-score"}};
    compare.push_back(Json{{"a", sweep.points[c.a].name}, {"b", sweep.points[c.b].name}, {"events", std::move(events)}});
  }
  j["compare"] = std::move(compare);
  if (sweep.sensitivity) {
    const SensitivityData& s = *sweep.sensitivity;
    Json events = Json::object();
    for (const EventRanking& r : rank_events(sweep)) {
      Json rows = Json::array();
      for (const SensitivityRow& row : r.rows)
        rows.push_back(Json{{"param", s.params[row.param].key},
                            {"low", s.params[row.param].low},
                            {"high", s.params[row.param].high},
                            {"p_low", row.p_low},
                            {"p_high", row.p_high},
                            {"effect", row.effect.difference},
                            {"ci_low", row.effect.low},
                            {"ci_high", row.effect.high},
                            {"only_low", row.counts.only_a},
                            {"only_high", row.counts.only_b}});
      events[r.event] = std::move(rows);
    }
    Json finals = Json::object();
    for (const FinalRanking& r : rank_finals(sweep)) {
      Json rows = Json::array();
      for (const FinalEffect& e : r.rows)
        rows.push_back(Json{{"param", s.params[e.param].key},
                            {"median_low", e.median_low},
                            {"median_high", e.median_high},
                            {"q05_low", e.q05_low},
                            {"q05_high", e.q05_high}});
      finals[r.final_name] = std::move(rows);
    }
    Json skipped = Json::array();
    for (const auto& [key, why] : s.skipped) skipped.push_back(Json{{"param", key}, {"why", why}});
    Json one_sided = Json::array();
    for (const SensitivityParam& p : s.params)
      if (!p.note.empty()) one_sided.push_back(Json{{"param", p.key}, {"why", p.note}});
    j["sensitivity"] = Json{{"step", s.step},     {"abs_step", s.abs_step}, {"events", std::move(events)},
                            {"finals", std::move(finals)}, {"skipped", std::move(skipped)},
                            {"one_sided", std::move(one_sided)}};
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

SweepData merge_sweeps(std::vector<SweepData> parts, const std::vector<std::string>& sources) {
  if (parts.empty()) throw InputError("merge: nothing to merge");
  auto name = [&](std::size_t i) { return i < sources.size() ? sources[i] : fmt::format("part {}", i + 1); };
  const SweepData& first = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const SweepData& p = parts[i];
    if (p.meta.config_sha256 != first.meta.config_sha256)
      throw InputError(fmt::format("merge: {} and {} are not shards of the same sweep: different configs", name(0),
                                   name(i)));
    bool same = p.keys == first.keys && p.points.size() == first.points.size() && p.compare == first.compare;
    for (std::size_t k = 0; same && k < p.points.size(); ++k)
      same = p.points[k].name == first.points[k].name && p.points[k].overrides == first.points[k].overrides;
    if (!same)
      throw InputError(fmt::format("merge: {} and {} are not shards of the same sweep: their points differ", name(0),
                                   name(i)));
  }
  SweepData out;
  out.keys = first.keys;
  out.compare = first.compare;
  out.sensitivity = first.sensitivity;
  for (std::size_t k = 0; k < first.points.size(); ++k) {
    std::vector<RunData> runs;
    for (auto& p : parts) runs.push_back(std::move(p.points[k].run));
    SweepPointData point = parts[0].points[k];
    point.run = merge_runs(std::move(runs), sources);
    out.points.push_back(std::move(point));
  }
  // The sweep's own metadata: the first part's, with the merged shard label, threads and times.
  out.meta = parts[0].meta;
  const RunMeta& merged = out.points.front().run.meta;
  out.meta.shard = merged.shard;
  out.meta.threads = merged.threads;
  out.meta.wall_seconds = merged.wall_seconds;
  out.meta.agent_steps_per_second = merged.agent_steps_per_second;
  return out;
}

}  // namespace stampede
