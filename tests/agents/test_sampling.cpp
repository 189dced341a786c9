// Per-agent columns from the agent_init stream (agents/population.hpp sample_column).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "agents/population.hpp"
#include "engine/random/distributions.hpp"
#include "engine/random/stream.hpp"

using namespace stampede;
using namespace stampede::agents;

TEST_CASE("sample_column: agent i's draw comes from Sequence(seed, path, agent_init, column, i)") {
  const Distribution d = Distribution::lognormal(0.0, 0.5);
  const std::uint64_t seed = 99, path = 4;
  std::vector<double> col(300, -1.0);
  sample_column(d, rng::PathKey{seed, path, 0}, ColumnId::sensitivity, {10, 290}, col.data());
  for (std::size_t i = 10; i < 290; ++i) {
    rng::Sequence q(seed, path, rng::Purpose::agent_init, ColumnId::sensitivity, static_cast<std::uint32_t>(i));
    REQUIRE(col[i] == rng::sample(d, q));
    REQUIRE(col[i] > 0.0);
  }
  CHECK(col[9] == -1.0);
  CHECK(col[290] == -1.0);

  // Split independence: sampling the range in two parts gives the same column.
  std::vector<double> parts(300, -1.0);
  sample_column(d, rng::PathKey{seed, path, 0}, ColumnId::sensitivity, {10, 100}, parts.data());
  sample_column(d, rng::PathKey{seed, path, 0}, ColumnId::sensitivity, {100, 290}, parts.data());
  CHECK(parts == col);

  // Another column id draws other numbers for the same agents.
  std::vector<double> other(300, -1.0);
  sample_column(d, rng::PathKey{seed, path, 0}, ColumnId::attention, {10, 290}, other.data());
  std::size_t same = 0;
  for (std::size_t i = 10; i < 290; ++i) same += other[i] == col[i];
  CHECK(same == 0);
}

TEST_CASE("sample_column: float columns, constant and uniform distributions") {
  std::vector<float> c(64);
  sample_column(Distribution::constant(1.0), rng::PathKey{1, 0, 0}, ColumnId::fraction(0), {0, 64}, c.data());
  for (float v : c) CHECK(v == 1.0f);

  std::vector<float> u(20000);
  sample_column(Distribution::uniform(0.05, 0.25), rng::PathKey{1, 0, 0}, ColumnId::attention, {0, u.size()}, u.data());
  double mean = 0.0;
  for (float v : u) {
    REQUIRE(v >= 0.05f);
    REQUIRE(v <= 0.25f);
    mean += v;
  }
  mean /= static_cast<double>(u.size());
  // U[0.05, 0.25]: mean 0.15, sd 0.2/sqrt(12); 5 standard errors.
  CHECK(std::fabs(mean - 0.15) < 5.0 * 0.2 / std::sqrt(12.0) / std::sqrt(static_cast<double>(u.size())));
}
