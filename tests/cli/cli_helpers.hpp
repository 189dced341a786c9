#pragma once
// Helpers for tests that run the `stampede` executable as a user would.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace stampede::testing {

struct CliResult {
  int status = -1;
  std::string out, err;
};

inline std::string source_path(const std::string& rel) { return std::string(STAMPEDE_SOURCE_DIR) + "/" + rel; }

inline std::string read_all(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

// Runs the executable with `args`, capturing stdout and stderr (to files, so neither pipe fills).
inline CliResult run_cli(const std::vector<std::string>& args,
                         const std::vector<std::pair<std::string, std::string>>& env = {}) {
  char out_name[] = "/tmp/stampede_cli_out_XXXXXX";
  char err_name[] = "/tmp/stampede_cli_err_XXXXXX";
  const int out_fd = ::mkstemp(out_name), err_fd = ::mkstemp(err_name);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    std::string exe = STAMPEDE_EXE;
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(out_fd, 0, SEEK_SET);
  ::lseek(err_fd, 0, SEEK_SET);
  r.out = read_all(out_fd);
  r.err = read_all(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  ::unlink(out_name);
  ::unlink(err_name);
  return r;
}

// run_cli, and the child's peak resident memory (getrusage of the waited child, in KiB).
struct MeasuredResult {
  int status = 0;
  long max_rss_kb = 0;
};
inline MeasuredResult run_cli_measured(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    std::vector<char*> argv;
    std::string exe = STAMPEDE_EXE;
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), usage.ru_maxrss};
}

// Starts the executable in the background (output discarded); returns its pid.
inline pid_t spawn_cli(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    std::vector<char*> argv;
    std::string exe = STAMPEDE_EXE;
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    dir_ = std::filesystem::temp_directory_path() / ("stampede_test_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

template <class T>
bool bitwise_equal(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Number of complete records in a checkpoint (engine/driver/checkpoint.cpp's format).
// Completed paths saved in a checkpoint (engine/driver/checkpoint.hpp: magic, body length,
// CRC-32, then the tag and the path count); 0 if it cannot be read.
inline int checkpoint_records(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t pos = 8 + 8 + 4;
  auto get = [&](std::uint64_t& v) {
    if (pos + 8 > d.size()) return false;
    std::memcpy(&v, d.data() + pos, 8);
    pos += 8;
    return true;
  };
  std::uint64_t tag_len = 0, count = 0;
  if (!get(tag_len)) return 0;
  pos += tag_len;
  if (!get(count)) return 0;
  return static_cast<int>(count);
}

}  // namespace stampede::testing
