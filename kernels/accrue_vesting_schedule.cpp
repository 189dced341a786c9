#include "kernels/accrue_vesting_schedule.hpp"

namespace stampede::kernels {
namespace {

// `ahead` is kept in 8 lanes by agent index (i % 8) and folded at the end, so the SIMD form and
// the scalar reference add the same terms in the same order.
template <bool kSimd>
double run(const ScheduleColumns& c, std::size_t begin, std::size_t end, double t1, double horizon, double& ahead) {
  double lanes[kReduceLanes] = {};
  const auto one = [&](std::size_t i) {
    double a = 0.0;
    const double d = detail::schedule_one(c, i, t1, horizon, a);
    lanes[i % kReduceLanes] += a;
    return d;
  };
  OrderedSum sum;
  if constexpr (kSimd) {
    using B = DoubleBatch<DefaultArch>;
    reduce_blocks_simd<DefaultArch>(begin, end, one, [&](std::size_t i) {
      B a(0.0);
      const B d = detail::schedule_batch<DefaultArch>(c, i, t1, horizon, a);
      double* lane = lanes + i % kReduceLanes;
      (B::load_unaligned(lane) + a).store_unaligned(lane);
      return d;
    }, sum);
  } else {
    reduce_blocks_scalar(begin, end, one, sum);
  }
  ahead = fold_lanes(lanes);
  return sum.total;
}

}  // namespace

double accrue_vesting_schedule(const ScheduleColumns& c, std::size_t begin, std::size_t end, double t1,
                               double horizon, double& ahead) {
  return run<true>(c, begin, end, t1, horizon, ahead);
}

double accrue_vesting_schedule_reference(const ScheduleColumns& c, std::size_t begin, std::size_t end, double t1,
                                         double horizon, double& ahead) {
  return run<false>(c, begin, end, t1, horizon, ahead);
}

}  // namespace stampede::kernels
