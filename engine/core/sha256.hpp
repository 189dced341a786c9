#pragma once
// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex: identifies the resolved config in
// result files (/input/config_sha256) and checkpoints. Computed by OpenSSL's libcrypto.
#include <string>
#include <string_view>

namespace stampede {
std::string sha256_hex(std::string_view data);
}
