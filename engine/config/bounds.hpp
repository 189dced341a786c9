#pragma once
// Allowed range of a numeric parameter, printed the way the specs write it: "(0, 2]", "[0, inf)".
#include <optional>
#include <string>

namespace stampede::config {

struct Bounds {
  std::optional<double> lo, hi;  // absent = unbounded on that side
  bool lo_open = false, hi_open = false;

  static Bounds closed(double lo, double hi) { return {lo, hi, false, false}; }
  static Bounds open(double lo, double hi) { return {lo, hi, true, true}; }
  static Bounds open_closed(double lo, double hi) { return {lo, hi, true, false}; }  // (lo, hi]
  static Bounds closed_open(double lo, double hi) { return {lo, hi, false, true}; }  // [lo, hi)
  static Bounds at_least(double lo) { return {lo, std::nullopt, false, false}; }     // [lo, inf)
  static Bounds above(double lo) { return {lo, std::nullopt, true, false}; }         // (lo, inf)
  static Bounds at_most(double hi) { return {std::nullopt, hi, false, false}; }      // (-inf, hi]

  bool unbounded() const { return !lo && !hi; }
  bool contains(double v) const;
  std::string str() const;  // "any" when unbounded
  std::string duration_str() const;  // the bounds of a duration key (seconds) as durations: "[1d, 730d]"
};

// Shortest exact spelling of a number: 1e7 -> "10000000", 0.1 -> "0.1", 1e300 -> "1e+300".
std::string format_number(double v);

}  // namespace stampede::config
