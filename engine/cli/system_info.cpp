#include "engine/cli/system_info.hpp"

#include "engine/core/errors.hpp"

#include <xsimd/xsimd.hpp>

#include <ctime>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

// The git commit of the sources, written at build time (CMakeLists.txt: stampede_git_commit).
#ifdef STAMPEDE_HAVE_GIT_COMMIT_HEADER
#include "stampede_git_commit.hpp"
#endif
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

namespace {

// A cgroup v2 limit of this process (a Slurm job's, a container's): memory.max − memory.current;
// 0 when there is none ("max") or it cannot be read.
std::uint64_t cgroup_room() {
  std::ifstream self("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(self, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty()) return 0;
  const std::string dir = "/sys/fs/cgroup" + path;
  std::ifstream max_in(dir + "/memory.max"), cur_in(dir + "/memory.current");
  std::string max_text;
  std::uint64_t current = 0;
  if (!(max_in >> max_text) || max_text == "max" || !(cur_in >> current)) return 0;
  const std::uint64_t limit = std::stoull(max_text);
  return limit > current ? limit - current : 1;
}

}  // namespace

// STAMPEDE_MEMORY_LIMIT ("512M", "8G", a byte count): the budget a batch job grants the run,
// when it is tighter than what the machine has.
std::uint64_t memory_limit_from_environment() {
  const char* v = std::getenv("STAMPEDE_MEMORY_LIMIT");
  if (!v || !*v) return 0;
  std::string text(v);
  std::uint64_t scale = 1;
  const char last = text.back();
  if (last == 'K' || last == 'k') scale = 1ull << 10;
  if (last == 'M' || last == 'm') scale = 1ull << 20;
  if (last == 'G' || last == 'g') scale = 1ull << 30;
  if (last == 'T' || last == 't') scale = 1ull << 40;
  if (scale != 1) text.pop_back();
  std::size_t used = 0;
  std::uint64_t n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || n == 0)
    throw InputError("STAMPEDE_MEMORY_LIMIT: expected a positive byte count such as 512M or 8G, got '" +
                     std::string(v) + "'");
  return n * scale;
}

std::uint64_t available_memory_bytes() {
  std::uint64_t avail = 0;
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") avail = kb * 1024;
  for (const std::uint64_t bound : {cgroup_room(), memory_limit_from_environment()})
    if (bound && (!avail || bound < avail)) avail = bound;
  return avail;
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
