#pragma once
// How the report tables print numbers: 4 significant digits ("-" for an undefined value), with a
// sign for differences.
#include <fmt/format.h>

#include <cmath>
#include <string>

namespace stampede {

inline std::string num4(double v) { return std::isnan(v) ? "-" : fmt::format("{:.4g}", v); }
inline std::string signed4(double v) { return std::isnan(v) ? "-" : fmt::format("{:+.4g}", v); }

}  // namespace stampede
