#include "engine/driver/shard.hpp"

#include <charconv>

namespace stampede {

std::uint64_t Shard::first_path(std::int64_t n_paths) const {
  return static_cast<std::uint64_t>((index - 1) * n_paths / count);
}
std::uint64_t Shard::end_path(std::int64_t n_paths) const {
  return static_cast<std::uint64_t>(index * n_paths / count);
}

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Shard s;
  auto a = text.substr(0, slash), b = text.substr(slash + 1);
  if (a.empty() || b.empty()) return std::nullopt;
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), s.index);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), s.count);
  if (r1.ec != std::errc() || r1.ptr != a.data() + a.size()) return std::nullopt;
  if (r2.ec != std::errc() || r2.ptr != b.data() + b.size()) return std::nullopt;
  if (s.count < 1 || s.count > 1000000 || s.index < 1 || s.index > s.count) return std::nullopt;
  return s;
}

}  // namespace stampede
