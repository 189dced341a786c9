#pragma once
// Which paths a process runs (engine.md "Paths, randomness, determinism"): `--shard k/N` runs the
// contiguous block of paths [floor((k-1)·P/N), floor(k·P/N)), k = 1..N. Contiguous blocks keep
// the stored series (the first `output.store_paths` path ids) in the first shard and make merged
// files list paths in order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

struct Shard {
  std::int64_t index = 1;  // k, 1-based
  std::int64_t count = 1;  // N
  bool is_all() const { return count == 1; }
  std::string str() const { return is_all() ? "all" : std::to_string(index) + "/" + std::to_string(count); }
  std::uint64_t first_path(std::int64_t n_paths) const;
  std::uint64_t end_path(std::int64_t n_paths) const;
};

// Parses "k/N" (1 <= k <= N); nullopt when malformed.
std::optional<Shard> parse_shard(std::string_view text);

}  // namespace stampede
