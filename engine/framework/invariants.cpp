#include "engine/framework/invariants.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/core/errors.hpp"

namespace stampede::framework {
namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

void Invariants::fail(std::string_view what) const {
  throw RuntimeFailure("invariant broken at step " + std::to_string(step_) + ": " + std::string(what));
}

void Invariants::equal(std::string_view what, double a, double b, double rel) const {
  within(what, a, b, rel * std::max({1.0, std::abs(a), std::abs(b)}));
}

void Invariants::within(std::string_view what, double a, double b, double tolerance) const {
  if (!(std::abs(a - b) <= tolerance)) fail(std::string(what) + " (" + num(a) + " vs " + num(b) + ")");
}

void Invariants::at_least(std::string_view what, double v, double lo, double tol) const {
  if (!(v >= lo - tol)) fail(std::string(what) + " (" + num(v) + " < " + num(lo) + ")");
}

void Invariants::at_most(std::string_view what, double v, double hi, double tol) const {
  if (!(v <= hi + tol)) fail(std::string(what) + " (" + num(v) + " > " + num(hi) + ")");
}

void Invariants::holds(std::string_view what, bool ok) const {
  if (!ok) fail(what);
}

void require_finite(double v, std::string_view name, std::int64_t step) {
  if (!std::isfinite(v))
    throw RuntimeFailure("non-finite " + std::string(name) + " at step " + std::to_string(step));
}

}  // namespace stampede::framework
