#include "kernels/accrue_reward_per_share.hpp"

namespace stampede::kernels {

double accrue_reward_per_share(const RewardColumns& c, std::size_t begin, std::size_t end, double rps) {
  OrderedSum sum;
  accrue_reward_per_share_simd<DefaultArch>(c, begin, end, rps, sum);
  return sum.total;
}

double accrue_reward_per_share_reference(const RewardColumns& c, std::size_t begin, std::size_t end,
                                         double rps) {
  OrderedSum sum;
  accrue_reward_per_share_reference(c, begin, end, rps, sum);
  return sum.total;
}

}  // namespace stampede::kernels
