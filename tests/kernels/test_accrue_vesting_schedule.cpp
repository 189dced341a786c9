#include <doctest/doctest.h>

#include <cmath>

#include "kernel_test_support.hpp"
#include "kernels/accrue_vesting_schedule.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
constexpr double kDay = 86400.0;
constexpr double kT1 = 100 * kDay;  // the step's end
constexpr double kAhead = 7 * kDay;

struct Slots {
  AlignedArray<double> amount, released, tokens;
  AlignedArray<float> start, cliff, duration;
  ScheduleColumns columns() {
    return {amount.data(), released.data(), start.data(), cliff.data(), duration.data(), tokens.data()};
  }
  Slots copy() const {
    return {copy_of(amount), copy_of(released), copy_of(tokens), copy_of(start), copy_of(cliff), copy_of(duration)};
  }
};
// Slots before their cliff, past their end, mid-way, free (A = 0) and exactly at the cliff.
Slots random_slots(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Slots s{random_doubles(n, rng, 0.0, 1e6), random_doubles(n, rng, 0.0, 1.0), random_doubles(n, rng, 0.0, 1e5),
          random_floats(n, rng, 0.0f, static_cast<float>(kT1)), random_floats(n, rng, 0.0f, static_cast<float>(60 * kDay)),
          random_floats(n, rng, static_cast<float>(kDay), static_cast<float>(400 * kDay))};
  for (std::size_t i = 0; i < n; ++i) {
    // A released share consistent with the schedule at the previous step.
    const double due = detail::scheduled(s.amount[i], s.start[i], s.cliff[i], s.duration[i], kT1 - 3600.0);
    s.released[i] = std::min(due, s.amount[i]) * s.released[i];
  }
  for (std::size_t i = 0; i < n; i += 7) s.amount[i] = s.released[i] = 0.0;                       // free
  for (std::size_t i = 3; i < n; i += 13) s.start[i] = static_cast<float>(kT1 - 500 * kDay);       // past its end
  for (std::size_t i = 5; i < n; i += 17) s.cliff[i] = static_cast<float>(kT1 - s.start[i]);       // at the cliff
  return s;
}
}  // namespace

TEST_CASE("accrue_vesting_schedule: the batch form equals the scalar form bitwise on every architecture") {
  for_each_arch([&]<class A>() {
    CAPTURE(A::name());
    constexpr std::size_t W = DoubleBatch<A>::size;
    Slots simd = random_slots(64 * W, W), ref = simd.copy();
    DoubleBatch<A> ahead_simd(0.0);
    for (std::size_t i = 0; i < 64 * W; i += W) {
      const DoubleBatch<A> d = detail::schedule_batch<A>(simd.columns(), i, kT1, kAhead, ahead_simd);
      alignas(64) double lanes[8];
      d.store_aligned(lanes);
      for (std::size_t k = 0; k < W; ++k) {
        double ahead = 0;
        CHECK(same_bits(lanes[k], detail::schedule_one(ref.columns(), i + k, kT1, kAhead, ahead)));
      }
    }
    CHECK(same_bits(simd.amount, ref.amount));
    CHECK(same_bits(simd.released, ref.released));
    CHECK(same_bits(simd.tokens, ref.tokens));
  });
  Slots a = random_slots(10010, 5), b = a.copy();
  double ahead_a = 0, ahead_b = 0;
  CHECK(same_bits(accrue_vesting_schedule(a.columns(), 3, 10010, kT1, kAhead, ahead_a),
                  accrue_vesting_schedule_reference(b.columns(), 3, 10010, kT1, kAhead, ahead_b)));
  CHECK(same_bits(ahead_a, ahead_b));
  CHECK(ahead_a > 0);
  CHECK(same_bits(a.tokens, b.tokens));
}

TEST_CASE("accrue_vesting_schedule: cliff, linear release, the end frees the slot; the same for any step") {
  for (const double dt : {3600.0, kDay, 5 * kDay, 30 * kDay}) {
    CAPTURE(dt);
    Slots s{AlignedArray<double>(1), AlignedArray<double>(1), AlignedArray<double>(1), AlignedArray<float>(1),
            AlignedArray<float>(1), AlignedArray<float>(1)};
    s.amount[0] = 365000;
    s.duration[0] = static_cast<float>(365 * kDay);
    s.cliff[0] = static_cast<float>(90 * kDay);
    for (double t1 = dt; t1 <= 400 * kDay; t1 += dt) {
      double ahead = 0;
      detail::schedule_one(s.columns(), 0, t1, kAhead, ahead);
      if (t1 < 90 * kDay) REQUIRE(s.tokens[0] == 0.0);
      else if (t1 < 365 * kDay) REQUIRE(s.tokens[0] == doctest::Approx(1000.0 * t1 / kDay).epsilon(1e-12));
      if (std::fmod(t1, 30 * kDay) == 0 && t1 == 90 * kDay) CHECK(s.tokens[0] == doctest::Approx(90000.0));
    }
    CHECK(s.tokens[0] == doctest::Approx(365000.0).epsilon(1e-12));
    CHECK(s.amount[0] == 0.0);  // freed
    CHECK(s.released[0] == 0.0);
  }
}
