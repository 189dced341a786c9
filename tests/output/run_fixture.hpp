#pragma once
// A synthetic run for the output tests: every value is a function of the path id only, so any
// split of the ids into shards describes the same run.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "engine/output/run_data.hpp"

namespace fixture {

inline std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
inline double unit(std::uint64_t id, std::uint64_t salt) {
  return static_cast<double>(splitmix(id * 1000003ULL + salt) >> 11) * 0x1.0p-53;
}

constexpr std::int64_t kRecords = 6;
constexpr std::int64_t kStorePaths = 4;

inline stampede::OutputSchema schema() {
  return {{"price_final", "stop_time"}, {"depeg", "bank_run"}, {"price", "supply"}, {stampede::Tail::lower, stampede::Tail::none}};
}

inline stampede::RunMeta meta(std::int64_t n_paths, const std::string& shard) {
  stampede::RunMeta m;
  m.scenario = "kai_smoke";
  m.protocol = "kai";
  m.shard = shard;
  m.engine_version = "0.1.0";
  m.git_commit = "abc123";
  m.created_utc = "2026-11-22T06:00:00Z";
  m.config_yaml = "scenario: kai_smoke\nprotocol: kai\nseed: 7\n";
  m.config_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  m.seed = 7;
  m.n_paths = n_paths;
  m.n_steps = 144;
  m.dt_seconds = 3600;
  m.horizon_seconds = 144 * 3600;
  m.record_every_steps = 24;
  m.threads = 2;
  m.store_paths = static_cast<int>(kStorePaths);
  m.system = {{"build_type", "Release"}, {"compiler", "GCC 12"}, {"simd", "avx512"}, {"cpu", "test cpu"}};
  m.wall_seconds = 1.5;
  m.agent_steps_per_second = 2.0e6;
  return m;
}

inline std::vector<double> times() {
  std::vector<double> t;
  for (std::int64_t r = 0; r < kRecords; ++r) t.push_back(static_cast<double>((r + 1) * 24 * 3600));
  return t;
}

inline stampede::PathResult path(std::uint64_t id) {
  stampede::PathResult p;
  p.id = id;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  p.finals = {0.8 + 0.4 * unit(id, 1), unit(id, 2) < 0.5 ? nan : 1000.0 * unit(id, 3)};
  p.first_step = {unit(id, 4) < 0.3 ? static_cast<std::int64_t>(144 * unit(id, 5)) : -1,
                  unit(id, 6) < 0.1 ? static_cast<std::int64_t>(144 * unit(id, 7)) : -1};
  p.series.resize(2 * kRecords);
  for (std::int64_t r = 0; r < kRecords; ++r) {
    p.series[static_cast<std::size_t>(r)] = 1.0 + 0.1 * (unit(id, 10 + r) - 0.5);
    p.series[static_cast<std::size_t>(kRecords + r)] = unit(id, 20 + r) < 0.1 ? 0.0 : -5e5 * unit(id, 30 + r);
  }
  return p;
}

// The run holding `ids` (ascending) out of n_paths; series kept for ids < kStorePaths.
inline stampede::RunData run(const std::vector<std::uint64_t>& ids, std::int64_t n_paths,
                             const std::string& shard) {
  stampede::RunData d;
  d.meta = meta(n_paths, shard);
  d.schema = schema();
  d.time = times();
  d.bands = stampede::BandSketch(2, kRecords);
  for (std::uint64_t id : ids) {
    stampede::PathResult p = path(id);
    d.bands.add_path(p.series.data());
    if (id >= static_cast<std::uint64_t>(kStorePaths)) p.series.clear();
    d.paths.push_back(std::move(p));
  }
  return d;
}

inline std::vector<std::uint64_t> range(std::uint64_t a, std::uint64_t b) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = a; i < b; ++i) v.push_back(i);
  return v;
}

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

inline bool same_paths(const stampede::PathTable& a, const stampede::PathTable& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].id != b[i].id || !same_bits(a[i].finals, b[i].finals) || a[i].first_step != b[i].first_step ||
        !same_bits(a[i].series, b[i].series))
      return false;
  return true;
}

// A scratch directory under the build tree, removed at the end of the test.
struct TempDir {
  std::filesystem::path dir;
  explicit TempDir(const std::string& name)
      : dir(std::filesystem::path(STAMPEDE_BINARY_DIR) / "test_output_tmp" / name) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

}  // namespace fixture
