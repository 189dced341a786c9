#include "engine/cli/system_info.hpp"

#include <xsimd/xsimd.hpp>

#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef STAMPEDE_GIT_COMMIT
#define STAMPEDE_GIT_COMMIT "unknown"
#endif
#ifndef STAMPEDE_VERSION
#define STAMPEDE_VERSION "0.1.0"
#endif
#ifndef STAMPEDE_BUILD_TYPE
#define STAMPEDE_BUILD_TYPE "unknown"
#endif

namespace stampede {

std::string engine_version() { return STAMPEDE_VERSION; }
std::string git_commit() { return STAMPEDE_GIT_COMMIT; }

std::string utc_now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

static std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      auto pos = line.find(':');
      return pos == std::string::npos ? line : line.substr(pos + 2);
    }
  return "unknown";
}

std::uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

static std::string compiler_name() {
  std::ostringstream compiler;
#if defined(__clang__)
  compiler << "clang " << __clang_major__ << "." << __clang_minor__ << "." << __clang_patchlevel__;
#elif defined(__GNUC__)
  compiler << "gcc " << __GNUC__ << "." << __GNUC_MINOR__ << "." << __GNUC_PATCHLEVEL__;
#endif
  return compiler.str();
}

std::string version_text() {
  return "stampede " + engine_version() + " (git " + git_commit() + ", SIMD " + xsimd::default_arch::name() + ", " +
         STAMPEDE_BUILD_TYPE + " build, " + compiler_name() + ")";
}

std::vector<std::pair<std::string, std::string>> system_info() {
  return {{"build_type", STAMPEDE_BUILD_TYPE},
          {"compiler", compiler_name()},
          {"simd_arch", xsimd::default_arch::name()},
          {"cpu_model", cpu_model()},
          {"hardware_threads", std::to_string(std::thread::hardware_concurrency())}};
}

}  // namespace stampede
