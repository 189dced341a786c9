#pragma once
// Durations in configs are strings: "30s", "15m", "1h", "12h", "1d", "1w" (engine.md "Time").
// Internally time is whole seconds (int64), so periods divide exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stampede {

inline constexpr std::int64_t kSecondsPerHour = 3600;
inline constexpr std::int64_t kSecondsPerDay = 86400;
inline constexpr std::int64_t kSecondsPerYear = 8760 * kSecondsPerHour;  // market.md: 1 y = 8760 h

// Parses "<positive integer or decimal><unit>" with unit s, m, h, d, w; returns seconds, or
// nullopt if malformed, not a whole number of seconds, or over 100 years.
std::optional<std::int64_t> parse_duration(std::string_view text);

// Shortest exact spelling: 3600 -> "1h", 5400 -> "90m", 7776000 -> "90d".
std::string format_duration(std::int64_t seconds);

}  // namespace stampede
