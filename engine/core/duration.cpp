#include "engine/core/duration.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace stampede {

std::optional<std::int64_t> parse_duration(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = kSecondsPerHour; break;
    case 'd': unit = kSecondsPerDay; break;
    case 'w': unit = 7 * kSecondsPerDay; break;
    default: return std::nullopt;
  }
  std::string number(text.substr(0, text.size() - 1));
  if (number.empty()) return std::nullopt;
  for (char c : number)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(v)) return std::nullopt;
  const double seconds = v * static_cast<double>(unit);
  if (seconds > 100.0 * 365.0 * kSecondsPerDay) return std::nullopt;
  const double rounded = std::round(seconds);
  if (std::abs(seconds - rounded) > 1e-9 * std::max(1.0, seconds)) return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

std::string format_duration(std::int64_t seconds) {
  struct Unit { std::int64_t s; char c; };
  static constexpr Unit units[] = {{7 * kSecondsPerDay, 'w'}, {kSecondsPerDay, 'd'},
                                   {kSecondsPerHour, 'h'}, {60, 'm'}, {1, 's'}};
  if (seconds == 0) return "0s";
  for (const auto& u : units) {
    if (u.c == 'w') continue;  // "d" reads better than "w" in horizons ("90d")
    if (seconds % u.s == 0) return std::to_string(seconds / u.s) + u.c;
  }
  return std::to_string(seconds) + "s";
}

}  // namespace stampede
