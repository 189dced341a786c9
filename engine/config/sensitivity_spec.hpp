#pragma once
// The `sensitivity:` block of a scenario (or `stampede sensitivity --params GLOB`): which
// behaviour parameters to move, and by how much, one at a time around the scenario's values, on
// common random numbers (docs/sensitivity.md).
//
//   sensitivity:
//     params: ["agents.*.sell.w.*", "agents.staker.withdraw.w.*"]   # default: every one
//     step: 0.25        # relative: value ± 25% of |value|
//     abs_step: 0.5     # also move the parameters whose value is 0, by ± 0.5 (default: they stay)
//     finals: [min_twap]   # also rank by the effect on these finals' median and 5% quantile
#include <optional>
#include <string>
#include <vector>

#include "engine/config/load.hpp"
#include "engine/config/values.hpp"

namespace stampede::config {

struct SensitivitySpec {
  bool present = false;
  std::vector<std::string> patterns;  // globs (* and ?) over key paths; empty = every behaviour parameter
  double step = 0.25;
  // Zero-valued parameters (a weight of 0 is a channel that is off) are moved by ± abs_step only
  // when it is given (> 0): an absolute step's size depends on the signal's scale, so the default
  // ranking is of the calibrated (non-zero) assumptions, each moved by the same relative step.
  double abs_step = 0.0;
  std::vector<std::string> finals;
  Location at;  // where the block (or the command line) asked for it
};

// The block of a scenario text (present = false without one). InputError (file:line: key) for
// unknown keys, a step outside (0, 1], a non-positive abs_step, or patterns that are not text.
SensitivitySpec sensitivity_from_text(const std::string& text, const std::string& source);

// `stampede sensitivity`: --params replace the block's patterns, --step / --abs-step its steps,
// --final its finals; with no block and no options, every behaviour parameter at the defaults.
SensitivitySpec sensitivity_from_cli(SensitivitySpec from_file, const std::vector<std::string>& params,
                                     const std::optional<double>& step, const std::optional<double>& abs_step,
                                     const std::vector<std::string>& finals);

// The keys that hold behaviour parameters: the real-valued keys and the distribution-valued keys
// under `agents.` (bias, fraction, attention, sensitivity, ...), not the population size or the
// initial wealth distribution (`agents.init.`), and not nullable reals.
bool is_behaviour_parameter(const Param& p);

// One number a sensitivity may move: a real key (`agents.holder.temperature`, field empty) or one
// numeric field of a distribution key, named key.field (`agents.holder.sell.bias.mean`). The
// fields are those of the distribution the scenario resolves to, in the syntax's names:
// constant value; uniform low, high; normal mean, sd; lognormal median, sigma; beta a, b; pareto
// alpha, scale. Truncation bounds (min, max), whole-number (uniform_int) and time-valued
// distributions are not moved.
struct BehaviourParam {
  std::string name;   // key, or key.field
  std::string key;    // the scenario key the override sets
  std::string field;  // "" for a real key
  double value = 0;   // its value in the scenario
};

// Every behaviour parameter of a resolved scenario, in schema order (a distribution's fields in
// the order above).
std::vector<BehaviourParam> behaviour_params(const Values& v);

// The value to give p.key (as a `--set` would) so that p becomes x: the number itself for a real
// key, else the scenario's distribution with that one field changed, e.g.
// `{dist: normal, mean: -8.125, sd: 1}`. Loading it validates it as any value written in a file.
std::string moved_value_text(const Values& v, const BehaviourParam& p, double x);

// Glob match of a key path (`*` any run of characters, `?` one).
bool glob_match(const std::string& pattern, const std::string& text);

// The one-at-a-time values of a parameter: value ∓ step·|value| (∓ abs_step when value is 0;
// nullopt when value is 0 and abs_step is 0).
std::optional<std::pair<double, double>> sensitivity_values(const SensitivitySpec& s, double value);

}  // namespace stampede::config
