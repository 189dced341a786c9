// Determinism of the path driver (engine.md: bit-identical whatever the thread count and shard
// split; a resumed run equals an uninterrupted one), exercised with the fixture model.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "engine/core/errors.hpp"
#include "engine/driver/checkpoint.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/shard.hpp"
#include "fixture_model.hpp"

using namespace stampede;
using stampede::testing::PanicModel;
using stampede::testing::PanicParams;

namespace {

RunShape shape_of(std::int64_t steps, std::int64_t every) {
  RunShape s;
  s.seed = 7;
  s.n_steps = steps;
  s.dt_seconds = 3600;
  s.record_every_steps = every;
  return s;
}

DriverOptions all_paths(std::int64_t n, int threads) {
  DriverOptions o;
  o.threads = threads;
  for (std::int64_t p = 0; p < n; ++p) o.path_ids.push_back(static_cast<std::uint64_t>(p));
  o.store_paths = 4;
  return o;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void require_identical(const DriverResult& a, const DriverResult& b) {
  REQUIRE(a.paths.size() == b.paths.size());
  for (std::size_t i = 0; i < a.paths.size(); ++i) {
    const auto &p = a.paths[i], &q = b.paths[i];
    REQUIRE(p.id == q.id);
    REQUIRE(p.first_step == q.first_step);
    REQUIRE(p.finals.size() == q.finals.size());
    for (std::size_t k = 0; k < p.finals.size(); ++k) REQUIRE(same_bits(p.finals[k], q.finals[k]));
    REQUIRE(p.series.size() == q.series.size());
    for (std::size_t k = 0; k < p.series.size(); ++k) REQUIRE(same_bits(p.series[k], q.series[k]));
  }
  REQUIRE(a.bands == b.bands);
}

}  // namespace

TEST_CASE("fixture conserves its token and marks events once") {
  PanicParams pp;
  pp.agents = 500;
  stampede::testing::PanicPath path(pp, 3);
  OutputSchema schema = PanicModel(pp).schema();
  PathRecorder rec(schema, 2);
  for (int t = 0; t < 200; ++t) path.step(t, rec);
  CHECK(path.held() + path.sold() == doctest::Approx(path.total()).epsilon(1e-12));
  CHECK(path.sold() > 0.0);  // with these parameters some agents always panic within 200 steps
}

TEST_CASE("1 thread and 2 threads give bit-identical paths and bands") {
  PanicModel model({.agents = 300});
  const auto shape = shape_of(240, 24);
  auto one = run_paths(model, shape, all_paths(24, 1));
  auto two = run_paths(model, shape, all_paths(24, 2));
  require_identical(one, two);
  CHECK(one.paths[0].series.size() == 2 * static_cast<std::size_t>(shape.n_records()));
  CHECK(one.paths[10].series.empty());  // only the first store_paths paths keep their series
  int crashes = 0;
  for (const auto& p : one.paths) crashes += p.first_step[0] >= 0;
  CHECK(crashes > 0);  // the fixture is stressed enough that some paths crash and some don't
  CHECK(crashes < 24);
}

TEST_CASE("shards 1/2 and 2/2 together equal the unsharded run") {
  PanicModel model({.agents = 200});
  const auto shape = shape_of(120, 12);
  const std::int64_t n = 13;
  auto whole = run_paths(model, shape, all_paths(n, 2));
  DriverResult merged;
  merged.bands = BandSketch(2, shape.n_records());
  for (int k = 1; k <= 2; ++k) {
    Shard s{k, 2};
    DriverOptions o = all_paths(0, 1);
    for (auto p = s.first_path(n); p < s.end_path(n); ++p) o.path_ids.push_back(p);
    auto part = run_paths(model, shape, o);
    for (const auto& p : part.paths) merged.paths.push_back(p);
    merged.bands.merge(part.bands);
  }
  require_identical(whole, merged);
}

TEST_CASE("a run interrupted midway and resumed equals the uninterrupted run") {
  PanicModel model({.agents = 200});
  const auto shape = shape_of(200, 20);
  const std::string ckpt = (std::filesystem::temp_directory_path() / "stampede_test_resume.ckpt").string();
  std::filesystem::remove(ckpt);
  auto whole = run_paths(model, shape, all_paths(16, 2));

  // First attempt: stop after a few paths have completed (as SIGINT would).
  std::atomic<bool> stop{false};
  DriverOptions first = all_paths(16, 1);
  first.checkpoint_path = ckpt;
  first.checkpoint_tag = "test-run";
  first.stop = &stop;
  int seen = 0;
  first.progress = [&](const Progress& p) {
    seen = static_cast<int>(p.paths_done);
    if (p.paths_done >= 5) stop = true;
  };
  auto partial = run_paths(model, shape, first);
  CHECK(partial.interrupted);
  CHECK(seen >= 5);
  CHECK(partial.paths.size() < 16);
  // The count a resumed run announces, read from the checkpoint's first bytes.
  CHECK(checkpoint_paths(ckpt) == std::optional<std::uint64_t>(partial.paths.size()));
  CHECK_FALSE(checkpoint_paths(ckpt + ".absent"));

  // A kill during a write leaves the half-written temporary file, never a half-written checkpoint
  // (the new one is renamed over the old one): the temporary file is ignored.
  {
    std::FILE* f = std::fopen((ckpt + ".tmp").c_str(), "wb");
    const unsigned char junk[5] = {0xff, 0x01, 0x00, 0x00, 0x00};
    std::fwrite(junk, 1, sizeof junk, f);
    std::fclose(f);
    CHECK_FALSE(checkpoint_paths(ckpt + ".tmp"));  // not a checkpoint: no count
  }
  // One flipped byte anywhere in a checkpoint is caught by its CRC-32 and refused.
  {
    const std::string damaged = ckpt + ".damaged";
    std::filesystem::copy_file(ckpt, damaged, std::filesystem::copy_options::overwrite_existing);
    std::FILE* f = std::fopen(damaged.c_str(), "r+b");
    std::fseek(f, static_cast<long>(std::filesystem::file_size(damaged) / 2), SEEK_SET);
    const int c = std::fgetc(f);
    std::fseek(f, -1, SEEK_CUR);
    std::fputc(c ^ 0x10, f);
    std::fclose(f);
    const auto n_values = model.schema().series.size() * static_cast<std::size_t>(shape.n_records());
    CHECK_THROWS_WITH_AS(load_checkpoint(damaged, "test-run", model.schema().finals.size(), model.schema().events.size(),
                                         n_values, static_cast<std::int64_t>(model.schema().series.size()),
                                         shape.n_records()),
                         doctest::Contains("damaged"), InputError);
    std::filesystem::remove(damaged);
  }
  DriverOptions second = all_paths(16, 2);
  second.checkpoint_path = ckpt;
  second.checkpoint_tag = "test-run";
  second.resume = true;
  auto resumed = run_paths(model, shape, second);
  CHECK_FALSE(resumed.interrupted);
  CHECK(resumed.paths_resumed >= 5);
  require_identical(whole, resumed);

  // A checkpoint of another run is refused rather than silently mixed in.
  second.checkpoint_tag = "other-run";
  CHECK_THROWS_AS(run_paths(model, shape, second), InputError);
  std::filesystem::remove(ckpt);
}

TEST_CASE("a failing path is reported with its id and step") {
  struct FailingPath final : PathSimulation {
    void step(std::int64_t t, PathRecorder&) override {
      if (t == 7) throw RuntimeFailure("NaN in pool reserve x");
    }
    void record(std::int64_t, PathRecorder&) override {}
    void finish(PathRecorder&) override {}
  };
  struct FailingModel final : Model {
    OutputSchema s;
    const OutputSchema& schema() const override { return s; }
    std::int64_t agents_per_path() const override { return 1; }
    std::size_t bytes_per_agent() const override { return 8; }
    std::unique_ptr<PathSimulation> start_path(std::uint64_t) const override {
      return std::make_unique<FailingPath>();
    }
  } model;
  try {
    run_paths(model, shape_of(10, 1), all_paths(4, 2));
    FAIL("expected a RuntimeFailure");
  } catch (const RuntimeFailure& e) {
    CHECK(std::string(e.what()) == "path 0, step 7: NaN in pool reserve x");
  }
}

TEST_CASE("shard parsing and blocks") {
  CHECK(parse_shard("1/2").has_value());
  CHECK_FALSE(parse_shard("0/2").has_value());
  CHECK_FALSE(parse_shard("3/2").has_value());
  CHECK_FALSE(parse_shard("1/").has_value());
  CHECK_FALSE(parse_shard("a/b").has_value());
  Shard a{1, 3}, b{2, 3}, c{3, 3};
  CHECK(a.first_path(10) == 0);
  CHECK(a.end_path(10) == b.first_path(10));
  CHECK(b.end_path(10) == c.first_path(10));
  CHECK(c.end_path(10) == 10);
}
