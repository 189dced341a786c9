#include "engine/config/bounds.hpp"

#include <cstdint>

#include "engine/core/duration.hpp"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace stampede::config {

bool Bounds::contains(double v) const {
  if (lo && (lo_open ? !(v > *lo) : !(v >= *lo))) return false;
  if (hi && (hi_open ? !(v < *hi) : !(v <= *hi))) return false;
  return true;
}

std::string Bounds::str() const {
  if (unbounded()) return "any";
  // Built by appending: GCC 12 warns (-Wrestrict, a false positive) on "(" + std::string.
  std::string s;
  if (lo) {
    s += lo_open ? '(' : '[';
    s += format_number(*lo);
  } else {
    s += "(-inf";
  }
  s += ", ";
  if (hi) {
    s += format_number(*hi);
    s += hi_open ? ')' : ']';
  } else {
    s += "inf)";
  }
  return s;
}

std::string format_number(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::abs(v) < 1e15)
    return fmt::format("{}", static_cast<std::int64_t>(v));
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

}  // namespace stampede::config

namespace stampede::config {

std::string Bounds::duration_str() const {
  if (unbounded()) return "> 0";
  std::string s;
  if (lo) {
    s += lo_open ? '(' : '[';
    s += format_duration(static_cast<std::int64_t>(*lo));
  } else {
    s += "(0s";
  }
  s += ", ";
  if (hi) {
    s += format_duration(static_cast<std::int64_t>(*hi));
    s += hi_open ? ')' : ']';
  } else {
    s += "inf)";
  }
  return s;
}

}  // namespace stampede::config
