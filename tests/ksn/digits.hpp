#pragma once
// "Assert to the digits shown" (ksn.md §10): |value − shown| ≤ half a unit of the last shown digit.
#include <doctest/doctest.h>

#include <cmath>

namespace ksn_test {

// decimals = digits after the decimal point in the spec's figure.
inline void check_digits(double value, double shown, int decimals) {
  const double half_unit = 0.5 * std::pow(10.0, -decimals);
  INFO("calculated " << value << ", expected " << shown << " ± " << half_unit);
  CHECK(std::fabs(value - shown) <= half_unit);
}

}  // namespace ksn_test
