#include "engine/driver/checkpoint.hpp"

#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "engine/core/errors.hpp"

namespace stampede {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'P', 'D', 'C', 'K', 'P', '1'};

std::uint64_t fnv1a(const unsigned char* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

template <class T>
void put(std::vector<unsigned char>& buf, const T& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(&v);
  buf.insert(buf.end(), p, p + sizeof(T));
}
template <class T>
void put_array(std::vector<unsigned char>& buf, const std::vector<T>& v) {
  put<std::uint64_t>(buf, v.size());
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  buf.insert(buf.end(), p, p + v.size() * sizeof(T));
}

struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  template <class T>
  bool get(T& v) {
    if (static_cast<std::size_t>(end - p) < sizeof(T)) return false;
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T);
    return true;
  }
  template <class T>
  bool get_array(std::vector<T>& v) {
    std::uint64_t n = 0;
    if (!get(n) || n > static_cast<std::uint64_t>(end - p) / sizeof(T)) return false;
    v.resize(n);
    std::memcpy(v.data(), p, n * sizeof(T));
    p += n * sizeof(T);
    return true;
  }
};

}  // namespace

CheckpointWriter::CheckpointWriter(const std::string& path, const std::string& tag, bool truncate)
    : path_(path) {
  const bool fresh = truncate || !std::filesystem::exists(path);
  file_ = std::fopen(path.c_str(), fresh ? "wb" : "ab");
  if (!file_) throw RuntimeFailure("cannot open checkpoint " + path + ": " + std::strerror(errno));
  if (fresh) {
    std::vector<unsigned char> buf(kMagic, kMagic + sizeof kMagic);
    std::vector<char> t(tag.begin(), tag.end());
    put_array(buf, t);
    std::fwrite(buf.data(), 1, buf.size(), file_);
    std::fflush(file_);
  }
}

CheckpointWriter::~CheckpointWriter() {
  if (file_) std::fclose(file_);
}

void CheckpointWriter::append(const PathResult& p) {
  std::vector<unsigned char> body;
  put<std::uint64_t>(body, p.id);
  put_array(body, p.finals);
  put_array(body, p.first_step);
  put_array(body, p.series);
  std::vector<unsigned char> rec;
  put<std::uint64_t>(rec, body.size());
  put<std::uint64_t>(rec, fnv1a(body.data(), body.size()));
  rec.insert(rec.end(), body.begin(), body.end());
  std::lock_guard lock(mutex_);
  if (std::fwrite(rec.data(), 1, rec.size(), file_) != rec.size() || std::fflush(file_) != 0)
    throw RuntimeFailure("cannot write checkpoint " + path_ + ": " + std::strerror(errno));
}

std::vector<PathResult> load_checkpoint(const std::string& path, const std::string& tag,
                                        std::size_t n_finals, std::size_t n_events,
                                        std::size_t n_series_values) {
  std::vector<PathResult> out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return out;
  std::vector<unsigned char> data;
  unsigned char chunk[1 << 16];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.insert(data.end(), chunk, chunk + n);
  std::fclose(f);
  Reader r{data.data(), data.data() + data.size()};
  std::vector<char> file_tag;
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(path + ": not a stampede checkpoint");
  r.p += sizeof kMagic;
  if (!r.get_array(file_tag) || std::string(file_tag.begin(), file_tag.end()) != tag)
    throw InputError(path + ": checkpoint belongs to another run (different config, seed, paths or "
                            "shard); delete it or run without --resume");
  while (r.p < r.end) {
    std::uint64_t len = 0, sum = 0;
    if (!r.get(len) || !r.get(sum) || len > static_cast<std::uint64_t>(r.end - r.p)) break;  // torn tail
    if (fnv1a(r.p, len) != sum) break;
    Reader b{r.p, r.p + len};
    PathResult p;
    if (!b.get(p.id) || !b.get_array(p.finals) || !b.get_array(p.first_step) || !b.get_array(p.series))
      break;
    if (p.finals.size() != n_finals || p.first_step.size() != n_events || p.series.size() != n_series_values)
      throw InputError(path + ": checkpoint record shape does not match this run");
    out.push_back(std::move(p));
    r.p += len;
  }
  return out;
}

}  // namespace stampede
