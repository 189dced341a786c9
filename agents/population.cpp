#include "agents/population.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "agents/fixed_sum.hpp"
#include "engine/core/errors.hpp"
#include "engine/random/distributions.hpp"
#include "engine/random/stream.hpp"

namespace stampede::agents {

TypeRanges TypeRanges::from_mix(std::span<const double> mix, std::size_t n) {
  if (mix.empty()) throw InputError("agents.mix: needs at least one type");
  double sum = 0.0;
  for (std::size_t k = 0; k < mix.size(); ++k) {
    if (!(mix[k] >= 0.0 && mix[k] <= 1.0))
      throw InputError("agents.mix: fraction " + std::to_string(k) + " must be in [0, 1], got " +
                       std::to_string(mix[k]));
    sum += mix[k];
  }
  if (std::fabs(sum - 1.0) > 1e-9)
    throw InputError("agents.mix: fractions must sum to 1, got " + std::to_string(sum));

  std::vector<std::size_t> counts(mix.size());
  std::size_t assigned = 0;
  for (std::size_t k = 0; k < mix.size(); ++k) {
    // floor(mix·n); the product is exact enough for n <= 2^52, and the min() keeps a sum that
    // rounded above 1 from over-assigning.
    counts[k] = std::min<std::size_t>(static_cast<std::size_t>(std::floor(mix[k] * static_cast<double>(n))),
                                      n - assigned);
    assigned += counts[k];
  }
  counts[0] += n - assigned;  // the remainder to the first type (documented in the header)
  return from_counts(counts);
}

TypeRanges TypeRanges::from_counts(std::span<const std::size_t> counts) {
  TypeRanges r;
  r.ranges_.reserve(counts.size());
  std::size_t begin = 0;
  for (std::size_t c : counts) {
    r.ranges_.push_back({begin, begin + c});
    begin += c;
  }
  return r;
}

namespace {

template <class T>
void sample_into(const Distribution& d, const rng::PathKey& key, std::uint32_t column, TypeRange range, T* out) {
  for (std::size_t i = range.begin; i < range.end; ++i) {
    rng::Sequence seq(key, rng::Purpose::agent_init, column, static_cast<std::uint32_t>(i));
    out[i] = static_cast<T>(rng::sample(d, seq));
  }
}

// Adds total − Σx to the largest element: the smallest relative change to any one agent.
void fix_residual(double* x, TypeRange range, double total) {
  if (range.empty()) return;
  const double after = fixed_sum(x, range.begin, range.end);
  std::size_t largest = range.begin;
  for (std::size_t i = range.begin; i < range.end; ++i)
    if (x[i] > x[largest]) largest = i;
  x[largest] += total - after;
  if (x[largest] < 0.0) x[largest] = 0.0;  // cannot happen for a residual of a few ulps
}

void check_non_negative(const double* x, TypeRange range, const char* what) {
  for (std::size_t i = range.begin; i < range.end; ++i)
    if (!(x[i] >= 0.0) || !std::isfinite(x[i]))
      throw InputError(std::string(what) + ": agent " + std::to_string(i) +
                       " has a negative or non-finite value " + std::to_string(x[i]));
}

}  // namespace

void sample_column(const Distribution& d, const rng::PathKey& key, std::uint32_t column, TypeRange range,
                   double* out) {
  sample_into(d, key, column, range, out);
}
void sample_column(const Distribution& d, const rng::PathKey& key, std::uint32_t column, TypeRange range,
                   float* out) {
  sample_into(d, key, column, range, out);
}

FractionLayout fraction_layout(const Behaviour& b) {
  FractionLayout f{};
  for (std::size_t t = 0; t < kMaxTypes; ++t)
    for (std::size_t a = 0; a < kMaxActions; ++a) {
      f.column[t][a] = -1;
      f.constant[t][a] = 1.0;
    }
  for (int t = 0; t < b.types; ++t) {
    const TypeParams& tp = b.type[static_cast<std::size_t>(t)];
    int c = 0;
    for (int a = 0; a < tp.actions; ++a) {
      const Distribution& d = tp.action[static_cast<std::size_t>(a)].fraction;
      if (d.is_constant()) f.constant[t][a] = d.a;
      else f.column[t][a] = c++;
    }
    f.columns = std::max(f.columns, c);
    f.type_columns[t] = c;
  }
  return f;
}

namespace {
// The share of agents [0, end of the last type with count(t) > k): what a slot column covers.
template <class Count>
double covered_share(const Behaviour& b, int k, Count count) {
  double share = 0, upto = 0;
  for (int t = 0; t < b.types; ++t) {
    upto += b.type[static_cast<std::size_t>(t)].mix;
    if (count(t) > k) share = upto;
  }
  return share;
}
}  // namespace

std::size_t Population::bytes_per_agent(const Behaviour& b) {
  const FractionLayout f = fraction_layout(b);
  double slots = 2.0;  // h_i, ρ_i
  for (int a = 0; a < b.max_actions(); ++a)
    slots += covered_share(b, a, [&](int t) { return b.type[static_cast<std::size_t>(t)].actions; });
  for (int c = 0; c < f.columns; ++c) slots += covered_share(b, c, [&](int t) { return f.type_columns[t]; });
  return sizeof(std::uint8_t) + static_cast<std::size_t>(std::ceil(slots * sizeof(float) - 1e-9));
}

Population::Population(const Behaviour& b, std::size_t n, const rng::PathKey& key) {
  // Fixed-count types first take their agents; the mix splits the rest (remainder to the first
  // type with a share).
  std::array<double, kMaxTypes> mix{};
  std::size_t fixed = 0;
  int first_mix = -1;
  for (int t = 0; t < b.types; ++t) {
    const TypeParams& tp = b.type[static_cast<std::size_t>(t)];
    mix[static_cast<std::size_t>(t)] = tp.mix;
    if (tp.fixed_count >= 0) fixed += static_cast<std::size_t>(tp.fixed_count);
    else if (first_mix < 0) first_mix = t;
  }
  if (fixed == 0) {
    ranges = TypeRanges::from_mix(std::span<const double>(mix.data(), static_cast<std::size_t>(b.types)), n);
  } else {
    if (fixed > n || first_mix < 0)
      throw InputError("agents.count: " + std::to_string(n) + " agents cannot hold the " + std::to_string(fixed) +
                       " of the fixed-count types (agents.<type>.count) and at least one other");
    std::array<std::size_t, kMaxTypes> counts{};
    std::size_t assigned = 0;
    for (int t = 0; t < b.types; ++t) {
      const TypeParams& tp = b.type[static_cast<std::size_t>(t)];
      counts[static_cast<std::size_t>(t)] =
          tp.fixed_count >= 0 ? static_cast<std::size_t>(tp.fixed_count)
                              : static_cast<std::size_t>(std::floor(tp.mix * static_cast<double>(n - fixed)));
      assigned += counts[static_cast<std::size_t>(t)];
    }
    counts[static_cast<std::size_t>(first_mix)] += n - std::min(n, assigned);
    ranges = TypeRanges::from_counts(std::span<const std::size_t>(counts.data(), static_cast<std::size_t>(b.types)));
  }
  layout = fraction_layout(b);
  std::array<std::size_t, kMaxActions> bias_end{}, frac_end{};
  sensitivity.resize(n);
  attention.resize(n);
  status.resize(n);
  // Each slot column up to the end of the last type that uses it.
  for (int t = 0; t < b.types; ++t) {
    const std::size_t end = ranges[static_cast<std::size_t>(t)].end;
    for (int a = 0; a < b.type[static_cast<std::size_t>(t)].actions; ++a) bias_end[static_cast<std::size_t>(a)] = end;
    for (int c = 0; c < layout.type_columns[t]; ++c) frac_end[static_cast<std::size_t>(c)] = end;
  }
  for (int a = 0; a < b.max_actions(); ++a) bias[static_cast<std::size_t>(a)].resize(bias_end[static_cast<std::size_t>(a)]);
  for (int c = 0; c < layout.columns; ++c) frac[static_cast<std::size_t>(c)].resize(frac_end[static_cast<std::size_t>(c)]);
  // Each column from its own ColumnId, so adding one never shifts another's draws.
  for (int t = 0; t < b.types; ++t) {
    const TypeRange r = ranges[static_cast<std::size_t>(t)];
    if (r.empty()) continue;
    const TypeParams& tp = b.type[static_cast<std::size_t>(t)];
    sample_column(tp.sensitivity, key, ColumnId::sensitivity, r, sensitivity.data());
    sample_column(tp.attention, key, ColumnId::attention, r, attention.data());
    for (int a = 0; a < tp.actions; ++a) {
      const auto& ap = tp.action[static_cast<std::size_t>(a)];
      sample_column(ap.bias, key, ColumnId::bias(static_cast<std::uint32_t>(a)), r, bias[static_cast<std::size_t>(a)].data());
      const int c = layout.column[t][a];
      if (c >= 0)
        sample_column(ap.fraction, key, ColumnId::fraction(static_cast<std::uint32_t>(a)), r,
                      frac[static_cast<std::size_t>(c)].data());
    }
  }
}

void scale_to_total(double* x, TypeRange range, double total) {
  if (!(total >= 0.0) || !std::isfinite(total))
    throw InputError("scale_to_total: total must be finite and >= 0, got " + std::to_string(total));
  if (range.empty()) return;
  check_non_negative(x, range, "scale_to_total");
  const double sum = fixed_sum(x, range.begin, range.end);
  if (sum == 0.0) {
    const double each = total / static_cast<double>(range.size());
    for (std::size_t i = range.begin; i < range.end; ++i) x[i] = each;
  } else {
    const double factor = total / sum;
    for (std::size_t i = range.begin; i < range.end; ++i) x[i] *= factor;
  }
  fix_residual(x, range, total);
}

void split_pro_rata(const double* weights, TypeRange range, double total, double* out) {
  if (!(total >= 0.0) || !std::isfinite(total))
    throw InputError("split_pro_rata: total must be finite and >= 0, got " + std::to_string(total));
  if (range.empty()) return;
  check_non_negative(weights, range, "split_pro_rata");
  const double sum = fixed_sum(weights, range.begin, range.end);
  if (sum == 0.0) {
    const double each = total / static_cast<double>(range.size());
    for (std::size_t i = range.begin; i < range.end; ++i) out[i] = each;
  } else {
    for (std::size_t i = range.begin; i < range.end; ++i) out[i] = total * (weights[i] / sum);
  }
  fix_residual(out, range, total);
}

}  // namespace stampede::agents
