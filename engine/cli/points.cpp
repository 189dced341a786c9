// The points a run is made of (commands.hpp prepare_points): one for a plain run, a sweep's
// points, or a sensitivity's design, every one loaded and checked before anything runs.
#include <fmt/format.h>

#include <algorithm>

#include "engine/cli/commands.hpp"
#include "engine/config/load.hpp"
#include "engine/config/sensitivity_spec.hpp"
#include "engine/config/sweep_spec.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/scenario_loader.hpp"

namespace stampede {

namespace {

constexpr const char* kZeroValued = "value 0 (a channel that is off); give --abs-step to move it";

// A sensitivity's one-at-a-time design as sweep points: the baseline, then each matching
// behaviour parameter at value ∓ step; a side that is not a valid scenario (outside the key's
// range, breaking a cross-key check) is replaced by the baseline and noted, a parameter with
// neither side valid is skipped. The points are loaded here (they must be anyway).
std::vector<PreparedPoint> sensitivity_points(const ScenarioArgs& args, const std::vector<std::string>& sets,
                                             const ProtocolRegistry& protocols, const Scenario& base,
                                             const config::SensitivitySpec& spec, config::SweepSpec& sweep,
                                             SensitivityData& design) {
  design.step = spec.step;
  design.abs_step = spec.abs_step;
  design.finals = spec.finals;
  const auto model = protocols.find(base.protocol)->build(base, ModelOptions{});
  const std::vector<std::string> finals = model->schema().finals;
  for (const auto& f : spec.finals)
    if (std::find(finals.begin(), finals.end(), f) == finals.end())
      throw InputError(spec.at.file + (spec.at.line ? ":" + std::to_string(spec.at.line) : std::string()) +
                       ": sensitivity.finals: '" + f + "' is not a final of " + base.protocol);
  std::vector<PreparedPoint> points;
  points.push_back(PreparedPoint{base, nullptr});
  sweep.points.push_back(config::SweepPoint{"baseline", {}, {}, {}});
  std::vector<bool> matched(spec.patterns.size(), false);
  for (const config::BehaviourParam& bp : config::behaviour_params(*base.values)) {
    const std::string& key = bp.name;
    bool wanted = spec.patterns.empty();
    for (std::size_t i = 0; i < spec.patterns.size(); ++i)
      if (config::glob_match(spec.patterns[i], key)) wanted = matched[i] = true;
    if (!wanted) continue;
    SensitivityParam sp;
    sp.key = key;
    sp.base = bp.value;
    const auto values = config::sensitivity_values(spec, sp.base);
    if (!values) {
      design.skipped.emplace_back(key, kZeroValued);
      continue;
    }
    const auto [low, high] = *values;
    std::string why;
    auto side = [&](const char* which, double value, std::size_t& point, double& ran) {
      // Parsed from text, as a value written in a file is (a constructed node reads as quoted text);
      // a distribution's field is set by giving the whole distribution with that field changed.
      config::NodeOverride o{bp.key, YAML::Load(config::moved_value_text(*base.values, bp, value)), spec.at};
      try {
        Scenario s = load_scenario(args.config, sets, protocols, {o});
        point = points.size();
        ran = value;
        points.push_back(PreparedPoint{std::move(s), nullptr});
        sweep.points.push_back(config::SweepPoint{key + "=" + fmt::format("{}", value), {o}, {}, {}});
      } catch (const InputError& e) {
        point = 0;
        ran = sp.base;
        const std::string reason = e.diagnostics().empty() ? e.what() : e.diagnostics().front().message;
        if (why.empty()) why = reason;
        sp.note += (sp.note.empty() ? "" : "; ") + std::string(which) + " " + fmt::format("{}", value) +
                   " not run (" + reason + "): the baseline stands in";
      }
    };
    side("low", low, sp.low_point, sp.low);
    side("high", high, sp.high_point, sp.high);
    if (sp.low_point == 0 && sp.high_point == 0) {
      design.skipped.emplace_back(key, why);
      continue;
    }
    sweep.compare.emplace_back(sp.low_point, sp.high_point);
    design.params.push_back(std::move(sp));
  }
  for (std::size_t i = 0; i < spec.patterns.size(); ++i)
    if (!matched[i])
      throw InputError(spec.at.file + (spec.at.line ? ":" + std::to_string(spec.at.line) : std::string()) +
                       ": sensitivity.params: '" + spec.patterns[i] + "' matches no behaviour parameter of " +
                       base.protocol + " (see `stampede list " + base.protocol +
                       "`: the real-valued keys under agents., and each field of a distribution-valued one, "
                       "e.g. agents.<type>.<action>.bias.mean)");
  if (design.params.empty())
    throw InputError("sensitivity: no behaviour parameter to move" +
                     (design.skipped.empty() ? std::string() : " (" + design.skipped.front().first + ": " + design.skipped.front().second + ")"));
  return points;
}

}  // namespace

std::vector<PreparedPoint> prepare_points(const ScenarioArgs& args, const std::vector<std::string>& sets,
                                          const SweepArgs& sweep_args, const ProtocolRegistry& protocols,
                                          config::SweepSpec& sweep, std::optional<SensitivityData>& sensitivity,
                                          Scenario& base) {
  base = load_scenario(args.config, sets, protocols);
  const std::string text = config::read_file(args.config);
  sweep = config::sweep_from_cli(config::sweep_from_text(text, args.config), sweep_args.over, sweep_args.compare);
  config::SensitivitySpec sens = config::sensitivity_from_text(text, args.config);
  if (sweep_args.sensitivity)
    sens = config::sensitivity_from_cli(sens, sweep_args.params, sweep_args.step, sweep_args.abs_step,
                                        sweep_args.finals);
  else if (!sweep_args.params.empty() || sweep_args.step || sweep_args.abs_step || !sweep_args.finals.empty())
    throw InputError("--params, --step, --abs-step and --final belong to `stampede sensitivity`");
  if (sens.present && !sweep.empty())
    throw InputError(args.config + ": give either a sweep or a sensitivity, not both (a sensitivity is a sweep of its "
                                   "own: the baseline and each parameter moved down and up)");
  std::vector<PreparedPoint> points;
  if (sens.present) {
    SensitivityData design;
    points = sensitivity_points(args, sets, protocols, base, sens, sweep, design);
    sensitivity = std::move(design);
  } else if (sweep.empty()) {
    points.push_back(PreparedPoint{base, nullptr});
    return points;
  } else {
    // Every point is checked before anything runs; all their problems are reported together.
    std::vector<Diagnostic> problems;
    for (const auto& p : sweep.points) {
      try {
        points.push_back(PreparedPoint{load_scenario(args.config, sets, protocols, p.overrides), nullptr});
      } catch (const InputError& e) {
        for (const auto& d : e.diagnostics())
          if (std::find_if(problems.begin(), problems.end(), [&](const Diagnostic& x) { return x.str() == d.str(); }) ==
              problems.end())
            problems.push_back(d);
      }
    }
    if (!problems.empty()) throw InputError(std::move(problems));
  }
  for (const auto& p : points) {
    // Common random numbers need one time grid and one set of paths: a point may not change them.
    const Scenario& s = p.scenario;
    if (s.seed != base.seed || s.paths != base.paths || s.n_steps != base.n_steps ||
        s.step_seconds != base.step_seconds || s.record_every_seconds != base.record_every_seconds ||
        s.store_paths != base.store_paths || s.ci_half_width != base.ci_half_width || s.stop_batch != base.stop_batch ||
        s.stop_max_paths != base.stop_max_paths)
      throw InputError(args.config + ": sweep: a point may not change seed, paths, horizon, step, output or stop "
                                     "(the points share their paths and streams); set them outside the sweep");
  }
  return points;
}

bool sweep_block_in(const std::string& config_file) {
  return !config::sweep_from_text(config::read_file(config_file), config_file).empty();
}

}  // namespace stampede
