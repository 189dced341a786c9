#pragma once
// Facts about the build and the machine, recorded in /system of every result file.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stampede {

std::vector<std::pair<std::string, std::string>> system_info();
std::string engine_version();
std::string git_commit();
// `stampede --version`: "stampede 0.1.0 (git 935f0b1abcde, SIMD avx512bw, Release, gcc 12.2.0)".
std::string version_text();
std::string utc_now_iso8601();
// Bytes of memory available to a new allocation (MemAvailable), 0 if unknown.
std::uint64_t available_memory_bytes();

}  // namespace stampede
