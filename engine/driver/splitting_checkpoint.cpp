#include "engine/driver/splitting_checkpoint.hpp"

#include <zlib.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/errors.hpp"

namespace stampede {
namespace {

constexpr const char* kMagic = "stampede-splitting-checkpoint 1";

std::uint32_t crc_of(const std::string& s) {
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  return static_cast<std::uint32_t>(c);
}

std::string body_of(const std::string& tag, const std::vector<SplittingRun>& runs) {
  std::string b = std::string(kMagic) + "\ntag " + tag + "\nruns " + std::to_string(runs.size()) + "\n";
  char line[160];
  for (const auto& r : runs) {
    std::snprintf(line, sizeof line, "%" PRIu64 " %a %" PRId64 " %" PRId64 " %" PRId64 " %d\n", r.run, r.estimate,
                  r.iterations, r.reached, r.path_steps, r.extinct ? 1 : 0);
    b += line;
  }
  return b;
}

}  // namespace

void write_splitting_checkpoint(const std::string& path, const std::string& tag, const std::vector<SplittingRun>& runs) {
  const std::string body = body_of(tag, runs);
  char crc[32];
  std::snprintf(crc, sizeof crc, "crc %08x\n", crc_of(body));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << body << crc;
    f.flush();
    if (!f) throw RuntimeFailure("cannot write the splitting checkpoint " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // atomic: the old checkpoint or the new one
  if (ec) throw RuntimeFailure("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

std::optional<std::vector<SplittingRun>> load_splitting_checkpoint(const std::string& path, const std::string& tag) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  std::ifstream f(path, std::ios::binary);
  std::stringstream all;
  all << f.rdbuf();
  const std::string text = all.str();
  const auto damaged = [&](const std::string& why) {
    return InputError(path + ": damaged splitting checkpoint (" + why + "); remove it to start the run again");
  };
  const auto crc_at = text.rfind("crc ");
  if (crc_at == std::string::npos || crc_at == 0 || text[crc_at - 1] != '\n') throw damaged("no checksum");
  const std::string body = text.substr(0, crc_at);
  unsigned stored = 0;
  if (std::sscanf(text.c_str() + crc_at, "crc %8x", &stored) != 1 || stored != crc_of(body))
    throw damaged("checksum mismatch");
  std::istringstream in(body);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) throw damaged("not a splitting checkpoint");
  if (!std::getline(in, line) || line.rfind("tag ", 0) != 0) throw damaged("no tag");
  if (line.substr(4) != tag)
    throw InputError(path + " is the checkpoint of another splitting run (configuration, seed, shard or method "
                            "changed); remove it, or pass --force to start again");
  std::size_t n = 0;
  if (!std::getline(in, line) || std::sscanf(line.c_str(), "runs %zu", &n) != 1) throw damaged("no run count");
  std::vector<SplittingRun> runs(n);
  for (auto& r : runs) {
    int extinct = 0;
    if (!std::getline(in, line) ||
        std::sscanf(line.c_str(), "%" SCNu64 " %la %" SCNd64 " %" SCNd64 " %" SCNd64 " %d", &r.run, &r.estimate,
                    &r.iterations, &r.reached, &r.path_steps, &extinct) != 6)
      throw damaged("a run's line");
    r.extinct = extinct != 0;
  }
  return runs;
}

}  // namespace stampede
