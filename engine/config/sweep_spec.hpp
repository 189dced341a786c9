#pragma once
// The `sweep:` block of a scenario (or `stampede sweep --over KEY=[...]`): a list of points,
// each a set of overrides checked exactly as `--set` (located where the point wrote them), run on
// the same path ids and random streams (common random numbers), and the pairs of points whose
// event probabilities are compared path by path. docs/configuration.md "Sweeps".
//
//   sweep:
//     grid:                                   # one or two keys, every combination
//       market.shocks[0].size: [-0.1, -0.3, -0.5]
//     compare: [["size=-0.3", "size=-0.5"]]   # default: every point against the first
//   sweep:
//     points:                                 # or named points
//       - {name: calm, set: {}}
//       - {name: fearful, set: {agents.holder.sell.w.fear: -6}}
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/load.hpp"

namespace stampede::config {

struct SweepPoint {
  std::string name;
  std::vector<NodeOverride> overrides;  // applied after the run's --set overrides
  std::vector<std::string> values;      // grid: the value of each swept key as written
  std::vector<double> x;                // grid: that value as a number (NaN when it is not one)
};

struct SweepSpec {
  std::vector<std::string> keys;  // grid: the swept keys; named points: empty
  std::vector<SweepPoint> points;
  std::vector<std::pair<std::size_t, std::size_t>> compare;  // (a, b): report P_b - P_a
  bool empty() const { return points.empty(); }
};

// The `sweep:` block of a scenario text; an empty spec when it has none. InputError (file:line:
// key) for a malformed block: unknown keys, both or neither of grid/points, more than two grid
// keys, empty or non-list values, duplicate names, compare naming unknown points.
SweepSpec sweep_from_text(const std::string& text, const std::string& source);

// `--over KEY=[v1, v2, ...]` (one or two, a grid) replaces the file's sweep; `--compare A,B`
// (names or 0-based indices) replaces its compare list. Located as "--over" / "--compare".
SweepSpec sweep_from_cli(SweepSpec from_file, const std::vector<std::string>& over,
                         const std::vector<std::string>& compare);

// "market.shocks[0].size=-0.3": an override as one line (for the result file and the report).
std::string override_text(const NodeOverride& o);

}  // namespace stampede::config
