// The documented Python reader (h5py) opens a file we write and finds consistent shapes.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/output/results_file.hpp"
#include "run_fixture.hpp"

TEST_CASE("results: tests/output/read_results.py accepts our file") {
  if (!std::filesystem::exists("/usr/bin/python3") ||
      std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: /usr/bin/python3 with h5py and numpy is not available");
    return;
  }
  fixture::TempDir tmp("python");
  const std::string file = tmp.file("py.h5");
  stampede::write_results(file, fixture::run(fixture::range(0, 9), 9, "all"));
  const std::string script = std::string(STAMPEDE_SOURCE_DIR) + "/tests/output/read_results.py";
  const std::string out = tmp.file("py.out");
  const int rc = std::system(("/usr/bin/python3 '" + script + "' '" + file + "' >'" + out + "' 2>&1").c_str());
  std::string text;
  if (std::FILE* f = std::fopen(out.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  CAPTURE(text);
  CHECK(rc == 0);
  CHECK(text.find("OK") != std::string::npos);
}
