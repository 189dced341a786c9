#pragma once
// The difference of two event probabilities measured on the same paths (two sweep points on
// common random numbers), with Newcombe's (1998) hybrid score interval for paired data, method 10
// (Wilson intervals of each proportion combined with the phi correlation of the pairs, phi with
// Newcombe's correction). Paired: the discordant paths (event in one point only) decide it; the
// paths where both or neither saw the event only narrow it. Newcombe's example (36, 12, 2, 0)
// gives 0.2000 [0.0569, 0.3404] (tested).
#include <cstdint>

namespace stampede {

struct PairedCounts {
  std::int64_t both = 0;     // event in a and in b
  std::int64_t only_a = 0;   // in a, not in b
  std::int64_t only_b = 0;   // in b, not in a
  std::int64_t neither = 0;
  std::int64_t n() const { return both + only_a + only_b + neither; }
};

struct PairedDifference {
  double difference;  // P_b - P_a (NaN when n = 0)
  double low, high;   // 95% interval, within [-1, 1]
};

PairedDifference paired_difference(const PairedCounts& c, double z = 1.959963984540054);

// The same difference as if the two proportions came from independent samples (Newcombe's
// hybrid score interval for unpaired data, his 1998 method 10 for independent proportions): what
// two runs on different random numbers would report. For comparison with the paired interval.
PairedDifference independent_difference(std::int64_t k_a, std::int64_t n_a, std::int64_t k_b, std::int64_t n_b,
                                        double z = 1.959963984540054);

}  // namespace stampede
