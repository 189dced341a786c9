// Philox4x32-10 against Random123: its published known-answer vectors (kat_vectors,
// philox4x32 10 rounds) and its own implementation on arbitrary inputs.
#include <doctest/doctest.h>

#include <Random123/philox.h>

#include <cstdint>

#include "engine/random/philox.hpp"
#include "engine/random/stream.hpp"

using stampede::rng::philox4x32_10;
using stampede::rng::Words;

TEST_CASE("philox4x32_10 matches Random123 known-answer vectors") {
  // Random123 kat_vectors: "philox4x32 10 <ctr0..3> <key0..1> <out0..3>".
  struct Kat {
    Words ctr;
    std::array<std::uint32_t, 2> key;
    Words out;
  };
  const Kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
       {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const Kat& k : kats) {
    CHECK(philox4x32_10(k.ctr, k.key) == k.out);
    CHECK(stampede::rng::philox::philox4x32_10(k.ctr, k.key) == k.out);  // constexpr inline version
  }
}

TEST_CASE("philox4x32_10 agrees with r123::Philox4x32 on arbitrary inputs") {
  r123::Philox4x32 ref;
  // Inputs from a simple LCG, independent of the code under test.
  std::uint64_t state = 0x243F6A8885A308D3ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 32);
  };
  for (int i = 0; i < 2000; ++i) {
    r123::Philox4x32::ctr_type c = {{next(), next(), next(), next()}};
    r123::Philox4x32::key_type k = {{next(), next()}};
    const auto expect = ref(c, k);
    const Words got = philox4x32_10({c[0], c[1], c[2], c[3]}, {k[0], k[1]});
    for (int w = 0; w < 4; ++w) REQUIRE(got[w] == expect[w]);
  }
}

TEST_CASE("philox is usable at compile time") {
  constexpr auto out = stampede::rng::philox::philox4x32_10({0, 0, 0, 0}, {0, 0});
  static_assert(out[0] == 0x6627e8d5u);
  CHECK(out[3] == 0x9b00dbd8u);
}
