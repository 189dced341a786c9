#include "engine/core/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace stampede {

// OpenSSL's libcrypto does the hashing (one-shot EVP_Digest with the default provider's
// SHA-256); this only turns the digest into lowercase hex.
std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len != 32)
    throw std::runtime_error("sha256: OpenSSL EVP_Digest(EVP_sha256) failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace stampede
