#include "engine/output/results_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "engine/core/errors.hpp"
#include "engine/output/hdf5_file.hpp"
#include "engine/output/summary.hpp"

namespace stampede {
namespace {

using u64 = std::uint64_t;

// Largest chunk row written for /paths/series (values): keeps chunks ~1 MiB.
constexpr u64 kMaxChunkValues = 131072;

std::size_t n_stored_values(const RunData& run) { return run.schema.series.size() * run.time.size(); }


void check_name(const std::string& kind, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw RuntimeFailure(fmt::format("results: invalid {} name '{}'", kind, name));
}

// The driver's invariants, checked before anything is written.
void validate(const RunData& run) {
  for (const auto& n : run.schema.finals) check_name("final", n);
  for (const auto& n : run.schema.events) check_name("event", n);
  for (const auto& n : run.schema.series) check_name("series", n);
  const std::vector<std::uint64_t> ids = run.paths.ids();
  for (std::size_t i = 1; i < ids.size(); ++i)
    if (ids[i - 1] >= ids[i])
      throw RuntimeFailure(fmt::format("results: paths not sorted by id (path {} after {})", ids[i], ids[i - 1]));
  if (!run.paths.empty() &&
      (run.paths.n_finals() != run.schema.finals.size() || run.paths.n_events() != run.schema.events.size()))
    throw RuntimeFailure("results: the paths do not match the output schema");
  for (const auto& [id, values] : run.paths.stored_series())
    if (values.size() != n_stored_values(run))
      throw RuntimeFailure(fmt::format("results: path {} does not match the output schema", id));
  if (!run.schema.series.empty() &&
      (run.bands.n_series() != static_cast<std::int64_t>(run.schema.series.size()) ||
       run.bands.n_records() != static_cast<std::int64_t>(run.time.size())))
    throw RuntimeFailure("results: band sketch dimensions do not match the schema and time grid");
}

void write_levels(const h5::Object& obj) {
  obj.set_attr("levels", std::span<const double>(kQuantileLevels.data(), kQuantileLevels.size()));
}

void write_file(h5::File& f, const RunData& run) {
  const RunMeta& m = run.meta;
  const u64 n_held = run.paths.size();
  const u64 n_records = run.time.size();

  // Root attributes, engine.md "Output: HDF5".
  f.set_attr("format", kResultsFormat);
  const std::array<std::int64_t, 2> version = {kResultsVersionMajor, kResultsVersionMinor};
  f.set_attr("format_version", std::span<const std::int64_t>(version));
  f.set_attr("engine_version", m.engine_version);
  f.set_attr("git_commit", m.git_commit);
  f.set_attr("created_utc", m.created_utc);
  f.set_attr("scenario", m.scenario);
  f.set_attr("protocol", m.protocol);
  f.set_attr("seed", m.seed);
  f.set_attr("n_paths", m.n_paths);
  f.set_attr("n_steps", m.n_steps);
  f.set_attr("dt_seconds", m.dt_seconds);
  f.set_attr("horizon_seconds", m.horizon_seconds);
  f.set_attr("record_every_steps", m.record_every_steps);
  f.set_attr("store_paths", static_cast<std::int64_t>(m.store_paths));
  f.set_attr("threads", static_cast<std::int64_t>(m.threads));
  f.set_attr("shard", m.shard);

  {
    h5::Group input = f.create_group("input");
    input.write_string("config_yaml", m.config_yaml);
    input.write_string("config_sha256", m.config_sha256);
  }
  f.write("time", std::span<const double>(run.time), {n_records}).set_attr("units", "s");

  {
    h5::Group paths = f.create_group("paths");
    // One column at a time: the paths' rows are on disk (PathTable), not in memory.
    paths.write("id", std::span<const u64>(run.paths.ids()), {n_held});
    h5::Group finals = paths.create_group("final");
    for (std::size_t k = 0; k < run.schema.finals.size(); ++k)
      finals.write(run.schema.finals[k], std::span<const double>(run.paths.final_column(k)), {n_held});
    h5::Group events = paths.create_group("events");
    for (std::size_t e = 0; e < run.schema.events.size(); ++e)
      events.create_group(run.schema.events[e])
          .write("first_step", std::span<const std::int64_t>(run.paths.event_column(e)), {n_held});

    // The stored paths' series, by id.
    std::vector<const std::pair<u64, std::vector<double>>*> stored;
    if (!run.schema.series.empty())
      for (const auto& entry : run.paths.stored_series()) stored.push_back(&entry);
    std::sort(stored.begin(), stored.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    const u64 n_stored = stored.size();
    std::vector<u64> stored_ids(n_stored);
    for (u64 i = 0; i < n_stored; ++i) stored_ids[i] = stored[i]->first;
    paths.write("series_ids", std::span<const u64>(stored_ids), {n_stored});
    h5::Group series = paths.create_group("series");
    const h5::Storage chunked{{1, std::min<u64>(std::max<u64>(n_records, 1), kMaxChunkValues)}, 4};
    std::vector<double> block(n_stored * n_records);
    for (std::size_t s = 0; s < run.schema.series.size(); ++s) {
      for (u64 i = 0; i < n_stored; ++i)
        std::copy_n(stored[i]->second.begin() + static_cast<std::ptrdiff_t>(s * n_records), n_records,
                    block.begin() + static_cast<std::ptrdiff_t>(i * n_records));
      series.write(run.schema.series[s], std::span<const double>(block), {n_stored, n_records}, chunked);
    }
  }

  {
    const Summary sum = summarize(run);
    h5::Group summary = f.create_group("summary");
    summary.set_attr("n_paths", static_cast<std::int64_t>(sum.n_paths));
    h5::Group events = summary.create_group("events");
    for (const EventSummary& e : sum.events) {
      h5::Group g = events.create_group(e.name);
      g.set_attr("probability", e.ci.p);
      g.set_attr("ci_low", e.ci.low);
      g.set_attr("ci_high", e.ci.high);
      g.set_attr("count", e.count);
      g.set_attr("n", e.n);
      g.set_attr("method", "wilson");
      g.write("by_time", std::span<const double>(e.by_time), {n_records});
    }
    h5::Group finals = summary.create_group("final");
    for (const FinalSummary& fs : sum.finals) {
      h5::Group g = finals.create_group(fs.name);
      g.set_attr("mean", fs.stats.mean);
      g.set_attr("std", fs.stats.std_dev);
      g.set_attr("std_err", fs.stats.std_err);
      g.set_attr("min", fs.stats.min);
      g.set_attr("max", fs.stats.max);
      g.set_attr("n_defined", fs.stats.n_defined);
      write_levels(g.write("quantiles", std::span<const double>(fs.stats.quantiles), {kQuantileLevels.size()}));
    }
    h5::Group bands = summary.create_group("bands");
    write_levels(bands);
    for (const BandSummary& b : sum.bands) {
      std::vector<double> flat;
      flat.reserve(b.bands.size() * kQuantileLevels.size());
      for (const Quantiles& q : b.bands) flat.insert(flat.end(), q.begin(), q.end());
      write_levels(bands.write(b.name, std::span<const double>(flat), {n_records, kQuantileLevels.size()}));
    }
  }

  {
    h5::Group sketch = f.create_group("sketch").create_group("bands");
    sketch.set_attr("method", "log-bucket histogram (DDSketch), integer counts");
    sketch.set_attr("alpha", BandSketch::kAlpha);
    sketch.set_attr("key_offset", BandSketch::kKeyOffset);
    sketch.set_attr("inf_key", BandSketch::kInfKey);
    sketch.set_attr("n_series", run.bands.n_series());
    sketch.set_attr("n_records", run.bands.n_records());
    const BandSketchArrays a = run.bands.to_arrays();
    const u64 n = a.key.size();
    const h5::Storage chunked{{std::min<u64>(std::max<u64>(n, 1), kMaxChunkValues)}, 4};
    sketch.write("series", std::span<const std::int64_t>(a.series), {n}, chunked);
    sketch.write("record", std::span<const std::int64_t>(a.record), {n}, chunked);
    sketch.write("key", std::span<const std::int64_t>(a.key), {n}, chunked);
    sketch.write("count", std::span<const u64>(a.count), {n}, chunked);
  }

  {
    h5::Group system = f.create_group("system");
    for (const auto& [key, value] : m.system) system.set_attr(key, value);
    system.set_attr("wall_seconds", m.wall_seconds);
    system.set_attr("agent_steps_per_second", m.agent_steps_per_second);
  }
  f.close();
}

// Renames `from` to `to` unless `to` exists (false then, and `from` is left in place).
bool rename_no_replace(const std::string& from, const std::string& to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::system_error(errno, std::generic_category(), "rename to " + to);
#endif
  // The file system does not offer it: a hard link fails on an existing name just the same.
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return true;
  }
  if (errno == EEXIST) return false;
  // No hard links either (e.g. FAT): check, then rename.
  if (std::filesystem::exists(to)) return false;
  std::filesystem::rename(from, to);
  return true;
}

std::string exists_message(const std::string& path) {
  return fmt::format("{} already exists; it was not overwritten", path);
}

}  // namespace

void write_results(const std::string& path, const RunData& run, Overwrite overwrite) {
  validate(run);
  std::error_code ec;
  if (overwrite == Overwrite::refuse && std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found)
    throw ResultsFileExists(exists_message(path));
  const std::string partial = path + ".partial";
  if (std::filesystem::symlink_status(partial, ec).type() != std::filesystem::file_type::not_found)
    throw RuntimeFailure(fmt::format("cannot write results {}: {} exists (another stampede writing {}, or left by a "
                                     "crash: delete it)", path, partial, path));
  std::optional<h5::File> f;
  try {
    f.emplace(h5::File::create(partial, /*exclusive=*/true));  // the partial file is ours from here on
  } catch (const std::exception& e) {
    throw RuntimeFailure(fmt::format("cannot write results {}: {}", path, e.what()));
  }
  bool placed = false;
  try {
    write_file(*f, run);  // closes the file
    f.reset();
    if (overwrite == Overwrite::replace) {
      std::filesystem::rename(partial, path);
      placed = true;
    } else {
      placed = rename_no_replace(partial, path);
    }
  } catch (const std::exception& e) {
    f.reset();
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw RuntimeFailure(fmt::format("cannot write results {}: {}", path, e.what()));
  }
  if (!placed) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw ResultsFileExists(fmt::format("{} appeared while the results were being written; it was not overwritten",
                                        path));
  }
}

namespace {

RunData read_file(const std::string& path, const h5::File& f) {
  RunData run;
  RunMeta& m = run.meta;
  m.engine_version = f.attr_string("engine_version");
  m.git_commit = f.attr_string("git_commit");
  m.created_utc = f.attr_string("created_utc");
  m.scenario = f.attr_string("scenario");
  m.protocol = f.attr_string("protocol");
  m.seed = f.attr_uint("seed");
  m.n_paths = f.attr_int("n_paths");
  m.n_steps = f.attr_int("n_steps");
  m.dt_seconds = f.attr_int("dt_seconds");
  m.horizon_seconds = f.attr_int("horizon_seconds");
  m.record_every_steps = f.attr_int("record_every_steps");
  m.store_paths = static_cast<int>(f.attr_int("store_paths"));
  m.threads = static_cast<int>(f.attr_int("threads"));
  m.shard = f.attr_string("shard");
  {
    h5::Group input = f.open_group("input");
    m.config_yaml = input.read_string("config_yaml");
    m.config_sha256 = input.read_string("config_sha256");
  }
  run.time = f.read_doubles("time");
  const std::size_t n_records = run.time.size();

  auto malformed = [&](const std::string& what) { return InputError(path + ": malformed results file: " + what); };

  h5::Group paths = f.open_group("paths");
  const std::vector<u64> ids = paths.read_uints("id");
  std::vector<PathResult> rows(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) rows[i].id = ids[i];

  h5::Group finals = paths.open_group("final");
  run.schema.finals = finals.children();
  for (const std::string& name : run.schema.finals) {
    const auto col = finals.read_doubles(name);
    if (col.size() != ids.size()) throw malformed("/paths/final/" + name + " length differs from /paths/id");
    for (std::size_t i = 0; i < ids.size(); ++i) rows[i].finals.push_back(col[i]);
  }
  h5::Group events = paths.open_group("events");
  run.schema.events = events.children();
  for (const std::string& name : run.schema.events) {
    const auto col = events.open_group(name).read_ints("first_step");
    if (col.size() != ids.size()) throw malformed("/paths/events/" + name + "/first_step length differs from /paths/id");
    for (std::size_t i = 0; i < ids.size(); ++i) rows[i].first_step.push_back(col[i]);
  }

  const std::vector<u64> stored_ids = paths.read_uints("series_ids");
  h5::Group series = paths.open_group("series");
  run.schema.series = series.children();
  std::vector<PathResult*> stored;
  for (u64 id : stored_ids) {
    auto it = std::lower_bound(rows.begin(), rows.end(), id, [](const PathResult& p, u64 v) { return p.id < v; });
    if (it == rows.end() || it->id != id) throw malformed("/paths/series_ids names a path not in /paths/id");
    it->series.resize(run.schema.series.size() * n_records);
    stored.push_back(&*it);
  }
  for (std::size_t s = 0; s < run.schema.series.size(); ++s) {
    const std::string& name = run.schema.series[s];
    const auto dims = series.dims(name);
    if (dims.size() != 2 || dims[0] != stored.size() || dims[1] != n_records)
      throw malformed("/paths/series/" + name + " is not [len(series_ids), len(time)]");
    const auto block = series.read_doubles(name);
    for (std::size_t i = 0; i < stored.size(); ++i)
      std::copy_n(block.begin() + static_cast<std::ptrdiff_t>(i * n_records), n_records,
                  stored[i]->series.begin() + static_cast<std::ptrdiff_t>(s * n_records));
  }
  run.paths.reserve(rows.size(), run.schema.finals.size(), run.schema.events.size());
  for (const auto& r : rows) run.paths.push_back(r);

  {
    h5::Group sk = f.open_group("sketch").open_group("bands");
    if (sk.attr_double("alpha") != BandSketch::kAlpha || sk.attr_int("key_offset") != BandSketch::kKeyOffset ||
        sk.attr_int("inf_key") != BandSketch::kInfKey)
      throw malformed("/sketch/bands uses a bucket layout this stampede does not know");
    BandSketchArrays a;
    a.series = sk.read_ints("series");
    a.record = sk.read_ints("record");
    a.key = sk.read_ints("key");
    a.count = sk.read_uints("count");
    try {
      run.bands = BandSketch::from_arrays(sk.attr_int("n_series"), sk.attr_int("n_records"), a);
    } catch (const InputError& e) {
      throw malformed(std::string("/sketch/bands: ") + e.what());
    }
    if (!run.schema.series.empty() &&
        (run.bands.n_series() != static_cast<std::int64_t>(run.schema.series.size()) ||
         run.bands.n_records() != static_cast<std::int64_t>(n_records)))
      throw malformed("/sketch/bands dimensions do not match /paths/series and /time");
  }

  {
    h5::Group system = f.open_group("system");
    for (const std::string& key : system.attr_names()) {
      if (key == "wall_seconds") m.wall_seconds = system.attr_double(key);
      else if (key == "agent_steps_per_second") m.agent_steps_per_second = system.attr_double(key);
      else if (system.attr_is_string(key)) m.system.emplace_back(key, system.attr_string(key));
    }
  }
  return run;
}

}  // namespace

RunData read_results(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw InputError(path + ": no such results file");
  if (!h5::is_hdf5(path)) throw InputError(path + ": not an HDF5 file (or unreadable)");
  try {
    const h5::File f = h5::File::open_read(path);
    if (!f.has_attr("format") || !f.attr_is_string("format") || f.attr_string("format") != kResultsFormat)
      throw InputError(path + ": not a stampede results file (root attribute format is not \"" +
                       kResultsFormat + "\")");
    const auto version = f.has_attr("format_version") ? f.attr_ints("format_version") : std::vector<std::int64_t>{};
    if (version.size() != 2) throw InputError(path + ": results file has no valid format_version");
    if (version[0] != kResultsVersionMajor)
      throw InputError(fmt::format("{}: results format version {}.{} is not supported (this stampede reads {}.x)",
                                   path, version[0], version[1], kResultsVersionMajor));
    return read_file(path, f);
  } catch (const h5::Error& e) {
    throw InputError(path + ": malformed results file: " + e.what());
  }
}

}  // namespace stampede
