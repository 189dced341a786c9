// The splitting checkpoint (engine/driver/splitting_checkpoint.hpp): what is written is read back
// exactly, and a file of another run or a damaged one is refused.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/driver/splitting_checkpoint.hpp"

using namespace stampede;

TEST_CASE("splitting checkpoint: written runs read back bit for bit; another run's or a damaged file is refused") {
  const auto dir = std::filesystem::temp_directory_path() / ("stampede-ams-ckpt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "x.h5.ckpt").string();
  CHECK_FALSE(load_splitting_checkpoint(file, "tag").has_value());
  std::vector<SplittingRun> runs(3);
  runs[0] = {0, 0.1 + 1e-17, 40, 20, 5646, false};
  runs[1] = {3, std::nextafter(3.2e-9, 1.0), 900, 7, 123456789012, false};
  runs[2] = {7, 0.0, 12, 0, 999, true};
  write_splitting_checkpoint(file, "cfg|seed=1", runs);
  const auto back = load_splitting_checkpoint(file, "cfg|seed=1");
  REQUIRE(back.has_value());
  REQUIRE(back->size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK((*back)[i].run == runs[i].run);
    CHECK((*back)[i].estimate == runs[i].estimate);  // exact: hexadecimal floats
    CHECK((*back)[i].iterations == runs[i].iterations);
    CHECK((*back)[i].reached == runs[i].reached);
    CHECK((*back)[i].path_steps == runs[i].path_steps);
    CHECK((*back)[i].extinct == runs[i].extinct);
  }
  CHECK_THROWS_AS(load_splitting_checkpoint(file, "cfg|seed=2"), InputError);
  // One changed digit in a run's line: the checksum refuses it.
  std::stringstream text;
  text << std::ifstream(file).rdbuf();
  std::string s = text.str();
  const auto at = s.find("5646");
  REQUIRE(at != std::string::npos);
  s[at] = '6';
  std::ofstream(file, std::ios::trunc) << s;
  CHECK_THROWS_WITH_AS(load_splitting_checkpoint(file, "cfg|seed=1"), doctest::Contains("checksum"), InputError);
  std::filesystem::remove_all(dir);
}
