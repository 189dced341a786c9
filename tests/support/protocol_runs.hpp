#pragma once
// Whole-path helpers shared by every protocol's scenario and engine tests: scenarios from
// configs/, runs through the driver, and bit-for-bit comparisons of results and columns.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/driver/driver.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/framework/protocol_model.hpp"

namespace protocol_test {

using namespace stampede;

// A registry holding protocol P alone (a protocol's test binary does not link the others).
template <class P>
const ProtocolRegistry& registry() {
  static const ProtocolRegistry r = [] {
    ProtocolRegistry x;
    x.add(framework::make_protocol<P>());
    return x;
  }();
  return r;
}

inline std::string config(const std::string& name) { return std::string(STAMPEDE_SOURCE_DIR) + "/configs/" + name; }

template <class P>
Scenario scenario(const std::string& file, const std::vector<std::string>& sets) {
  return load_scenario(config(file), sets, registry<P>());
}

template <class P>
std::unique_ptr<Model> build(const Scenario& sc, bool check) {
  ModelOptions o;
  o.check = check;
  return registry<P>().find(P::kName)->build(sc, o);
}

// Runs the given paths of the scenario through the driver.
template <class P>
DriverResult run_ids(const Scenario& sc, bool check, const std::vector<std::uint64_t>& ids, int threads,
                     std::int64_t store_paths = 16) {
  auto model = build<P>(sc, check);
  DriverOptions d;
  d.threads = threads;
  d.path_ids = ids;
  d.store_paths = store_paths;
  return run_paths(*model, run_shape(sc), d);
}

inline std::vector<std::uint64_t> first_ids(std::int64_t n) {
  std::vector<std::uint64_t> ids;
  for (std::int64_t p = 0; p < n; ++p) ids.push_back(static_cast<std::uint64_t>(p));
  return ids;
}

template <class P>
DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check, std::int64_t paths) {
  return run_ids<P>(scenario<P>(file, sets), check, first_ids(paths), 2);
}

// Paths of `r` on which `event` occurred.
inline std::int64_t event_count(const DriverResult& r, int event) {
  std::int64_t n = 0;
  for (const auto& p : r.paths) n += p.first_step[static_cast<std::size_t>(event)] >= 0;
  return n;
}

// The final named `name` of path i.
inline double final_of(const DriverResult& r, std::size_t i, const OutputSchema& s, const std::string& name) {
  const auto it = std::find(s.finals.begin(), s.finals.end(), name);
  REQUIRE(it != s.finals.end());
  return r.paths[i].finals[static_cast<std::size_t>(it - s.finals.begin())];
}

template <class T>
bool same_bits(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// Two rows (finals, event steps or series) equal element by element, bit for bit.
template <class A, class B>
bool same_row(const A& a, const B& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!same_bits(a[k], b[k])) return false;
  return true;
}

// Path `i` of `a` and path `j` of `b` are the same path with the same results, bit for bit.
template <class R>
void require_same_path(const R& a, std::size_t i, const R& b, std::size_t j) {
  const auto& p = a.paths[i];
  const auto& q = b.paths[j];
  INFO("path " << p.id);
  REQUIRE(p.id == q.id);
  CHECK(same_row(p.first_step, q.first_step));
  CHECK(same_row(p.finals, q.finals));
  CHECK(same_row(p.series, q.series));
}

inline void require_identical(const DriverResult& a, const DriverResult& b) {
  REQUIRE(a.paths.size() == b.paths.size());
  for (std::size_t i = 0; i < a.paths.size(); ++i) require_same_path(a, i, b, i);
  CHECK(a.bands == b.bands);
}

// Two columns of the same length hold the same bits.
template <class Col>
bool same_column(const Col& a, const Col& b) {
  return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0);
}

}  // namespace protocol_test
