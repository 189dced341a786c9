#pragma once
// Per-agent behaviour columns drawn at path start (agents.md "Heterogeneity in compact form"):
// h_i, ρ_i, a bias b_i(a) per action and the fractions f_i(a) whose distribution is not a
// constant. Written once for every protocol whose type table has, per type, `sensitivity`,
// `attention` and `actions[k].{name, bias, fraction}` (kai/behaviour.hpp, ksn/behaviour.hpp).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "agents/population.hpp"
#include "engine/core/errors.hpp"

namespace stampede::agents {

// Where f_i(a) lives: the non-constant fractions of a type share float columns 0, 1, ... (so a
// population stores max-per-type columns, not one per action); constant ones are scalars.
template <int Types, int Actions>
struct FractionLayout {
  int column[Types][Actions];      // -1: constant
  double constant[Types][Actions];
  int columns = 0;                 // float columns the population needs

  double of(const float* const* cols, int type, int action, std::size_t i) const {
    const int c = column[type][action];
    return c < 0 ? constant[type][action] : static_cast<double>(cols[c][i]);
  }
};

// The layout of a type table; more than `max_columns` random fractions in one type is an
// InputError naming the key (agents.<type>.<action>.fraction).
template <int Types, int Actions, class TypeTable>
FractionLayout<Types, Actions> fraction_layout(const TypeTable& types, std::span<const std::string_view> type_names,
                                               int max_columns = Actions) {
  FractionLayout<Types, Actions> f{};
  for (int t = 0; t < Types; ++t) {
    int c = 0;
    for (int k = 0; k < Actions; ++k) {
      f.column[t][k] = -1;
      f.constant[t][k] = 1.0;
      if (k >= static_cast<int>(types[t].actions.size())) continue;
      const auto& d = types[t].actions[k].fraction;
      if (d.is_constant()) f.constant[t][k] = d.a;
      else if (c < max_columns) f.column[t][k] = c++;
      else
        throw InputError("agents." + std::string(type_names[t]) + "." + std::string(types[t].actions[k].name) +
                         ".fraction: at most " + std::to_string(max_columns) +
                         " random fractions per type (make this one a constant)");
    }
    if (c > f.columns) f.columns = c;
  }
  return f;
}

// Draws h_i, ρ_i, b_i(a) and the random f_i(a) for every type's range from the path's
// agent_init stream (ColumnId keeps each column's draws independent of the others).
template <int Types, int Actions, class TypeTable>
void sample_behaviour(const TypeTable& types, const TypeRanges& ranges, const FractionLayout<Types, Actions>& layout,
                      std::uint64_t seed, std::uint64_t path, float* h, float* rho, float* const* bias,
                      float* const* frac) {
  for (int t = 0; t < Types; ++t) {
    const auto r = ranges[static_cast<std::size_t>(t)];
    if (r.empty()) continue;
    const auto& tb = types[t];
    sample_column(tb.sensitivity, seed, path, ColumnId::sensitivity, r, h);
    sample_column(tb.attention, seed, path, ColumnId::attention, r, rho);
    for (std::size_t k = 0; k < tb.actions.size(); ++k) {
      sample_column(tb.actions[k].bias, seed, path, ColumnId::bias(static_cast<std::uint32_t>(k)), r, bias[k]);
      const int c = layout.column[t][k];
      if (c >= 0)
        sample_column(tb.actions[k].fraction, seed, path, ColumnId::fraction(static_cast<std::uint32_t>(k)), r, frac[c]);
    }
  }
}

}  // namespace stampede::agents
