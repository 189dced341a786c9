#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "engine/core/sha256.hpp"

// FIPS 180-4 / NIST example vectors.
TEST_CASE("sha256 known answers") {
  CHECK(stampede::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(stampede::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(stampede::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(stampede::sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// The whole view is hashed, embedded NUL bytes included (not up to the first NUL).
TEST_CASE("sha256 of bytes with NULs") {
  using namespace std::string_view_literals;
  CHECK(stampede::sha256_hex("\0"sv) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  CHECK(stampede::sha256_hex("a\0b"sv) == "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
}
