#pragma once
// A distribution as a scenario names it (engine.md "Configuration"):
//   {dist: constant|uniform|uniform_int|normal|lognormal|beta|pareto, ...}
// This is the description only; engine/random/distributions.hpp samples it.
#include <limits>
#include <string>

namespace stampede {

enum class DistKind { constant, uniform, uniform_int, normal, lognormal, beta, pareto };

struct Distribution {
  DistKind kind = DistKind::constant;
  // Parameters by kind (unused ones stay 0):
  //   constant: a = value
  //   uniform, uniform_int: a = low, b = high (inclusive for uniform_int)
  //   normal: a = mean, b = sd          lognormal: a = mu (of ln X), b = sigma
  //   beta: a = alpha, b = beta (on [0, 1])   pareto: a = alpha (tail index), b = scale x_m
  double a = 0.0;
  double b = 0.0;
  // Truncation bounds (keys `min`/`max`); a draw outside is redrawn (see distributions.hpp).
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();

  static Distribution constant(double v) { return {DistKind::constant, v, 0.0}; }
  static Distribution uniform(double lo, double hi) { return {DistKind::uniform, lo, hi}; }
  static Distribution uniform_int(double lo, double hi) { return {DistKind::uniform_int, lo, hi}; }
  static Distribution normal(double mean, double sd) { return {DistKind::normal, mean, sd}; }
  static Distribution lognormal(double mu, double sigma) { return {DistKind::lognormal, mu, sigma}; }
  static Distribution beta(double a, double b) { return {DistKind::beta, a, b}; }
  static Distribution pareto(double alpha, double scale) { return {DistKind::pareto, alpha, scale}; }
  bool is_constant() const { return kind == DistKind::constant; }
};

const char* to_string(DistKind k);

}  // namespace stampede
