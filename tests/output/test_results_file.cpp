// results.h5 round trip, atomic write, and refusal of foreign or future files.
#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "engine/core/errors.hpp"
#include "engine/output/hdf5_file.hpp"
#include "engine/output/results_file.hpp"
#include "run_fixture.hpp"

using namespace stampede;
namespace fs = std::filesystem;

TEST_CASE("results: write then read round-trips every field") {
  fixture::TempDir tmp("roundtrip");
  const RunData run = fixture::run(fixture::range(0, 12), 12, "all");
  const std::string path = tmp.file("run.h5");
  write_results(path, run);
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));

  const RunData back = read_results(path);
  const RunMeta &a = run.meta, &b = back.meta;
  CHECK(b.scenario == a.scenario);
  CHECK(b.protocol == a.protocol);
  CHECK(b.shard == a.shard);
  CHECK(b.engine_version == a.engine_version);
  CHECK(b.git_commit == a.git_commit);
  CHECK(b.created_utc == a.created_utc);
  CHECK(b.config_yaml == a.config_yaml);
  CHECK(b.config_sha256 == a.config_sha256);
  CHECK(b.seed == a.seed);
  CHECK(b.n_paths == a.n_paths);
  CHECK(b.n_steps == a.n_steps);
  CHECK(b.dt_seconds == a.dt_seconds);
  CHECK(b.horizon_seconds == a.horizon_seconds);
  CHECK(b.record_every_steps == a.record_every_steps);
  CHECK(b.threads == a.threads);
  CHECK(b.store_paths == a.store_paths);
  CHECK(b.system == a.system);  // order preserved
  CHECK(b.wall_seconds == a.wall_seconds);
  CHECK(b.agent_steps_per_second == a.agent_steps_per_second);
  CHECK(back.schema == run.schema);  // schema order, not alphabetical
  CHECK(fixture::same_bits(back.time, run.time));
  CHECK(fixture::same_paths(back.paths, run.paths));  // NaN finals and unstored series included
  CHECK(back.bands == run.bands);

  // Stored series are only those of ids < store_paths, with the expected shapes on disk.
  const h5::File f = h5::File::open_read(path);
  const h5::Group paths = f.open_group("paths");
  CHECK(paths.read_uints("series_ids") == std::vector<std::uint64_t>{0, 1, 2, 3});
  CHECK(paths.open_group("series").dims("price") == std::vector<std::uint64_t>{4, fixture::kRecords});
  CHECK(f.attr_string("format") == "stampede-results");
  CHECK(f.attr_ints("format_version") == std::vector<std::int64_t>{1, 1});
  CHECK(f.attr_string("kind") == "run");
  const h5::Group ev = f.open_group("summary").open_group("events").open_group("depeg");
  CHECK(ev.attr_string("method") == "wilson");
  CHECK(ev.attr_int("n") == 12);
  CHECK(f.open_group("summary").open_group("bands").dims("supply") ==
        std::vector<std::uint64_t>{fixture::kRecords, 7});
}

TEST_CASE("results: an empty run round-trips") {
  fixture::TempDir tmp("empty");
  RunData run = fixture::run({}, 0, "all");
  write_results(tmp.file("e.h5"), run);
  const RunData back = read_results(tmp.file("e.h5"));
  CHECK(back.paths.empty());
  CHECK(back.schema == run.schema);
  CHECK(back.bands == run.bands);
}

TEST_CASE("results: a failed write leaves no partial file and throws RuntimeFailure") {
  fixture::TempDir tmp("fail");
  const std::string path = tmp.file("no_such_dir/run.h5");
  CHECK_THROWS_AS(write_results(path, fixture::run(fixture::range(0, 3), 3, "all")), RuntimeFailure);
  CHECK_FALSE(fs::exists(path + ".partial"));
  CHECK_FALSE(fs::exists(path));

  // A run that breaks the schema is refused before a file is created.
  RunData bad = fixture::run(fixture::range(0, 3), 3, "all");
  bad.schema.finals.push_back("one_too_many");  // the paths hold one final fewer than the schema names
  CHECK_THROWS_AS(write_results(tmp.file("bad.h5"), bad), RuntimeFailure);
  CHECK_FALSE(fs::exists(tmp.file("bad.h5")));
  CHECK_FALSE(fs::exists(tmp.file("bad.h5.partial")));
}

namespace {
std::string input_error_message(const std::string& path) {
  try {
    read_results(path);
  } catch (const InputError& e) {
    return e.what();
  } catch (...) {
    return "<other exception>";
  }
  return "<no exception>";
}
}  // namespace

TEST_CASE("results: foreign, text, missing and future files are refused with InputError") {
  fixture::TempDir tmp("foreign");
  {
    h5::File f = h5::File::create(tmp.file("foreign.h5"));
    f.set_attr("format", "openmc-statepoint");
    f.close();
    h5::File g = h5::File::create(tmp.file("bare.h5"));
    g.write("x", std::span<const double>(std::vector<double>{1.0, 2.0}), {2});
    g.close();
    std::ofstream(tmp.file("notes.txt")) << "scenario: kai\nthis is not HDF5\n";
  }
  for (const std::string name : {"foreign.h5", "bare.h5", "notes.txt", "missing.h5"}) {
    const std::string msg = input_error_message(tmp.file(name));
    CAPTURE(msg);
    CHECK(msg.find(tmp.file(name)) == 0);  // one line, naming the file first
    CHECK(msg.find('\n') == std::string::npos);
  }
  CHECK(input_error_message(tmp.file("notes.txt")).find("not an HDF5 file") != std::string::npos);
  CHECK(input_error_message(tmp.file("foreign.h5")).find("not a stampede results file") != std::string::npos);

  const std::string future = tmp.file("future.h5");
  write_results(future, fixture::run(fixture::range(0, 2), 2, "all"));
  {
    h5::File f = h5::File::open_write(future);
    const std::array<std::int64_t, 2> v2 = {2, 0};
    f.set_attr("format_version", std::span<const std::int64_t>(v2));
    f.close();
  }
  const std::string msg = input_error_message(future);
  CHECK(msg.find("version 2.0 is not supported") != std::string::npos);

  // A newer minor version is still read.
  {
    h5::File f = h5::File::open_write(future);
    const std::array<std::int64_t, 2> v13 = {1, 3};
    f.set_attr("format_version", std::span<const std::int64_t>(v13));
    f.close();
  }
  CHECK(read_results(future).paths.size() == 2);
}

TEST_CASE("results: an existing file is not overwritten unless asked, nor a foreign partial file reused") {
  fixture::TempDir tmp("exists");
  const std::string path = tmp.file("run.h5");
  RunData first = fixture::run(fixture::range(0, 3), 3, "all");
  write_results(path, first);
  RunData second = fixture::run(fixture::range(0, 3), 3, "all");
  second.meta.seed = 99;
  try {
    write_results(path, second);  // Overwrite::refuse is the default
    FAIL("overwrote an existing result file");
  } catch (const ResultsFileExists& e) {
    CHECK(std::string(e.what()) == path + " already exists; it was not overwritten");
  }
  CHECK(read_results(path).meta.seed == 7);  // untouched
  CHECK_FALSE(fs::exists(path + ".partial"));
  write_results(path, second, Overwrite::replace);
  CHECK(read_results(path).meta.seed == 99);

  // A partial file already there belongs to another writer (or a crash): reported, left alone.
  const std::string other = tmp.file("other.h5");
  std::ofstream(other + ".partial") << "someone else's\n";
  CHECK_THROWS_AS(write_results(other, first), RuntimeFailure);
  CHECK_FALSE(fs::exists(other));
  CHECK(fs::file_size(other + ".partial") == 15);
}
