#include "engine/driver/checkpoint.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/core/errors.hpp"

namespace stampede {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'P', 'D', 'C', 'K', 'P', '2'};

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
    if (n) std::memcpy(v.data(), p, n * sizeof(T));
    p += n * sizeof(T);
    return true;
  }
};

std::uint32_t crc32_of(const std::vector<unsigned char>& b) {
  uLong c = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < b.size()) {  // zlib takes uInt lengths
    const std::size_t n = std::min<std::size_t>(b.size() - done, 1u << 30);
    c = crc32(c, b.data() + done, static_cast<uInt>(n));
    done += n;
  }
  return static_cast<std::uint32_t>(c);
}

}  // namespace

namespace {

// Buffered writer of the checkpoint body with a running CRC-32: nothing is built in memory
// beyond one buffer, whatever the number of paths.
class BodyWriter {
 public:
  explicit BodyWriter(std::FILE* f) : f_(f) { buf_.reserve(kBuffer); }
  template <class T>
  void put(const T& v) { bytes(reinterpret_cast<const unsigned char*>(&v), sizeof(T)); }
  template <class T>
  void put_array(const std::vector<T>& v) {
    put<std::uint64_t>(v.size());
    bytes(reinterpret_cast<const unsigned char*>(v.data()), v.size() * sizeof(T));
  }

  bool finish() {
    flush();
    return ok_;
  }
  std::uint64_t length() const { return length_; }
  std::uint32_t crc() const { return static_cast<std::uint32_t>(crc_); }

 private:
  static constexpr std::size_t kBuffer = 1 << 20;
  void bytes(const unsigned char* p, std::size_t n) {
    while (n > 0) {
      const std::size_t k = std::min(n, kBuffer - buf_.size());
      buf_.insert(buf_.end(), p, p + k);
      p += k;
      n -= k;
      if (buf_.size() == kBuffer) flush();
    }
  }
  void flush() {
    if (buf_.empty()) return;
    crc_ = crc32(crc_, buf_.data(), static_cast<uInt>(buf_.size()));
    ok_ = ok_ && std::fwrite(buf_.data(), 1, buf_.size(), f_) == buf_.size();
    length_ += buf_.size();
    buf_.clear();
  }
  std::FILE* f_;
  std::vector<unsigned char> buf_;
  uLong crc_ = crc32(0L, Z_NULL, 0);
  std::uint64_t length_ = 0;
  bool ok_ = true;
};

}  // namespace

void write_checkpoint(const std::string& path, const std::string& tag, const PathTable& paths, const BandSketch& bands) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw RuntimeFailure("cannot write checkpoint " + tmp + ": " + std::strerror(errno));
  // Header: magic, body length, CRC-32 of the body (filled in once the body is written).
  const std::uint64_t zero64 = 0;
  const std::uint32_t zero32 = 0;
  bool ok = std::fwrite(kMagic, 1, sizeof kMagic, f) == sizeof kMagic && std::fwrite(&zero64, 8, 1, f) == 1 &&
            std::fwrite(&zero32, 4, 1, f) == 1;
  BodyWriter w(f);
  w.put_array(std::vector<char>(tag.begin(), tag.end()));
  std::uint64_t filled = 0;
  paths.visit([&](const PathResult&) { ++filled; });
  w.put<std::uint64_t>(filled);
  paths.visit([&](const PathResult& p) {
    w.put<std::uint64_t>(p.id);
    w.put_array(p.finals);
    w.put_array(p.first_step);
    w.put_array(p.series);
  });
  const BandSketchArrays a = bands.to_arrays();
  w.put_array(a.series);
  w.put_array(a.record);
  w.put_array(a.key);
  w.put_array(a.count);
  ok = w.finish() && ok;
  const std::uint64_t length = w.length();
  const std::uint32_t crc = w.crc();
  ok = ok && std::fseek(f, sizeof kMagic, SEEK_SET) == 0 && std::fwrite(&length, 8, 1, f) == 1 &&
       std::fwrite(&crc, 4, 1, f) == 1 && std::fflush(f) == 0;
  const int err = errno;
  std::fclose(f);
  std::error_code ec;
  if (!ok) {
    std::filesystem::remove(tmp, ec);
    throw RuntimeFailure("cannot write checkpoint " + tmp + ": " + std::strerror(err));
  }
  std::filesystem::rename(tmp, path, ec);  // atomic: the old checkpoint or the new one, never half of one
  if (ec) throw RuntimeFailure("cannot replace checkpoint " + path + ": " + ec.message());
}

std::optional<CheckpointState> load_checkpoint(const std::string& path, const std::string& tag, std::size_t n_finals,
                                               std::size_t n_events, std::size_t n_series_values,
                                               std::int64_t n_series, std::int64_t n_records) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::vector<unsigned char> data;
  unsigned char chunk[1 << 16];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.insert(data.end(), chunk, chunk + n);
  std::fclose(f);
  const std::string refuse = path + ": ";
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(refuse + "not a stampede checkpoint (or one of an older version); run with --force to discard it");
  Reader r{data.data() + sizeof kMagic, data.data() + data.size()};
  std::uint64_t len = 0;
  std::uint32_t crc = 0;
  if (!r.get(len) || !r.get(crc) || len != static_cast<std::uint64_t>(r.end - r.p))
    throw InputError(refuse + "checkpoint is truncated; run with --force to discard it");
  const std::vector<unsigned char> body(r.p, r.end);
  if (crc32_of(body) != crc) throw InputError(refuse + "checkpoint is damaged (checksum); run with --force to discard it");
  Reader b{body.data(), body.data() + body.size()};
  std::vector<char> file_tag;
  if (!b.get_array(file_tag) || std::string(file_tag.begin(), file_tag.end()) != tag)
    throw InputError(refuse + "checkpoint belongs to another run (different config, seed, paths or shard); "
                              "run with --force (without --resume) to discard it");
  const auto bad = [&] { return InputError(refuse + "checkpoint does not match this run's outputs"); };
  CheckpointState s;
  std::uint64_t count = 0;
  if (!b.get(count)) throw bad();
  for (std::uint64_t k = 0; k < count; ++k) {
    PathResult p;
    if (!b.get(p.id) || !b.get_array(p.finals) || !b.get_array(p.first_step) || !b.get_array(p.series)) throw bad();
    if (p.finals.size() != n_finals || p.first_step.size() != n_events ||
        (!p.series.empty() && p.series.size() != n_series_values))
      throw bad();
    s.paths.push_back(std::move(p));
  }
  BandSketchArrays a;
  if (!b.get_array(a.series) || !b.get_array(a.record) || !b.get_array(a.key) || !b.get_array(a.count) || b.p != b.end)
    throw bad();
  s.bands = BandSketch::from_arrays(n_series, n_records, a);
  return s;
}

std::optional<std::uint64_t> checkpoint_paths(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  char magic[sizeof kMagic];
  std::uint64_t length = 0, tag_length = 0, count = 0;
  std::uint32_t crc = 0;
  const bool ok = std::fread(magic, 1, sizeof magic, f) == sizeof magic && std::memcmp(magic, kMagic, sizeof kMagic) == 0 &&
                  std::fread(&length, 8, 1, f) == 1 && std::fread(&crc, 4, 1, f) == 1 &&
                  std::fread(&tag_length, 8, 1, f) == 1 && tag_length < length &&
                  std::fseek(f, static_cast<long>(tag_length), SEEK_CUR) == 0 && std::fread(&count, 8, 1, f) == 1;
  std::fclose(f);
  if (!ok) return std::nullopt;
  return count;
}

}  // namespace stampede
