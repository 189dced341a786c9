// `stampede plot FILE [-o DIR] [--format png|pdf]`: the pictures are drawn by scripts/plot.py
// (matplotlib and h5py from Debian's packages, so Debian's /usr/bin/python3), found installed
// beside the binary (<prefix>/share/stampede/plot.py) or in the source tree it was built from.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/cli/commands.hpp"
#include "engine/core/errors.hpp"
#include "engine/output/results_file.hpp"

extern char** environ;

namespace stampede {
namespace {

std::string find_plot_script(const char* argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> candidates;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path bin = ec ? fs::path(argv0).parent_path() : exe.parent_path();
  candidates.push_back(bin / ".." / "share" / "stampede" / "plot.py");
#ifdef STAMPEDE_SOURCE_DIR
  candidates.push_back(fs::path(STAMPEDE_SOURCE_DIR) / "scripts" / "plot.py");
#endif
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
  throw RuntimeFailure("plot: cannot find plot.py (looked in " + candidates.front().string() +
                       "); reinstall stampede");
}

std::string python() {
  std::error_code ec;
  // Debian's interpreter has python3-matplotlib and python3-h5py (scripts/setup installs them).
  return std::filesystem::exists("/usr/bin/python3", ec) ? "/usr/bin/python3" : "python3";
}

}  // namespace

int command_plot(const std::string& file, const std::string& dir, const std::string& format, const char* argv0) {
  (void)is_sweep_file(file);  // refuses a missing or foreign file with the usual message (exit 2)
  const std::string out_dir = dir.empty() ? std::filesystem::path(file).replace_extension("").string() + "-plots" : dir;
  const std::string script = find_plot_script(argv0);
  const std::string py = python();
  std::vector<std::string> args = {py, script, file, "-o", out_dir, "--format", format};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = py.front() == '/' ? posix_spawn(&pid, py.c_str(), nullptr, nullptr, argv.data(), environ)
                                   : posix_spawnp(&pid, py.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw RuntimeFailure("plot: cannot start " + py + " (install python3-matplotlib python3-h5py)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw RuntimeFailure("plot: lost the plotting process");
  if (!WIFEXITED(status)) throw RuntimeFailure("plot: the plotting process was killed");
  const int code = WEXITSTATUS(status);
  return code == 0 ? kExitOk : code == kExitBadInput ? kExitBadInput : kExitRuntime;
}

}  // namespace stampede
