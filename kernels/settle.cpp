#include "kernels/settle.hpp"

#include "kernels/simd.hpp"

namespace stampede::kernels {

void settle(const SettleColumns& c, const SettleTable& t, std::size_t begin, std::size_t end) {
  settle_simd<DefaultArch>(c, t, begin, end);
}

}  // namespace stampede::kernels
