#pragma once
// The conservation and bound checks a protocol runs every step under `--check` (its spec's §9),
// with one message format: "invariant broken at step t: <what> (<a> vs <b>)" as a RuntimeFailure.
#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::framework {

class Invariants {
 public:
  explicit Invariants(std::int64_t step) : step_(step) {}

  // |a − b| ≤ rel·max(1, |a|, |b|)
  void equal(std::string_view what, double a, double b, double rel) const;
  // |a − b| <= tolerance (an absolute tolerance, e.g. a relative one times a known scale).
  void within(std::string_view what, double a, double b, double tolerance) const;
  // v ≥ lo − tol
  void at_least(std::string_view what, double v, double lo, double tol = 0.0) const;
  // v ≤ hi + tol
  void at_most(std::string_view what, double v, double hi, double tol = 0.0) const;
  void holds(std::string_view what, bool ok) const;
  [[noreturn]] void fail(std::string_view what) const;

  std::int64_t step() const { return step_; }

 private:
  std::int64_t step_;
};

// NaN or infinity in a protocol total is a runtime error naming the step and the variable
// (engine.md "Robustness"): checked cheaply every step on protocol-level totals.
void require_finite(double v, std::string_view name, std::int64_t step);

}  // namespace stampede::framework
