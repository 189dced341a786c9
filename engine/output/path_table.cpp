// PathTable (run_data.hpp): fixed-size rows in an unnamed temporary file, read and written with
// pread/pwrite so the process keeps none of them resident.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

#include "engine/core/errors.hpp"
#include "engine/output/run_data.hpp"

namespace stampede {
namespace {

constexpr std::size_t kScanBytes = 1 << 20;

[[noreturn]] void io_failure(const char* what) {
  throw RuntimeFailure(std::string("path table: ") + what + ": " + std::strerror(errno));
}

void write_all(int fd, const unsigned char* p, std::size_t n, std::size_t offset) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      io_failure("write");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::size_t>(w);
  }
}

void read_all(int fd, unsigned char* p, std::size_t n, std::size_t offset) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      io_failure("read");
    }
    if (r == 0) throw RuntimeFailure("path table: short read");
    p += r;
    n -= static_cast<std::size_t>(r);
    offset += static_cast<std::size_t>(r);
  }
}

}  // namespace

PathTable::~PathTable() {
  if (fd_ >= 0) ::close(fd_);
}

PathTable::PathTable(PathTable&& o) noexcept
    : fd_(o.fd_), n_(o.n_), n_finals_(o.n_finals_), n_events_(o.n_events_), series_(std::move(o.series_)) {
  o.fd_ = -1;
  o.n_ = 0;
}

PathTable& PathTable::operator=(PathTable&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    n_ = o.n_;
    n_finals_ = o.n_finals_;
    n_events_ = o.n_events_;
    series_ = std::move(o.series_);
    o.fd_ = -1;
    o.n_ = 0;
  }
  return *this;
}

PathTable::PathTable(const PathTable& o) : n_finals_(o.n_finals_), n_events_(o.n_events_), series_(o.series_) {
  if (o.n_ == 0) return;
  open();
  std::vector<unsigned char> buf(std::min(kScanBytes / row_bytes() + 1, o.n_) * row_bytes());
  const std::size_t per = buf.size() / row_bytes();
  for (std::size_t first = 0; first < o.n_; first += per) {
    const std::size_t count = std::min(per, o.n_ - first);
    o.read_rows(first, count, buf.data());
    write_all(fd_, buf.data(), count * row_bytes(), first * row_bytes());
  }
  n_ = o.n_;
}

PathTable& PathTable::operator=(const PathTable& o) {
  if (this != &o) *this = PathTable(o);
  return *this;
}

void PathTable::clear() { *this = PathTable(); }

void PathTable::open() {
  if (fd_ >= 0) return;
  std::FILE* f = std::tmpfile();  // unnamed: the system removes it when the table closes it
  if (!f) io_failure("cannot create a temporary file");
  fd_ = ::dup(::fileno(f));
  std::fclose(f);
  if (fd_ < 0) io_failure("dup");
}

void PathTable::shape(std::size_t n_finals, std::size_t n_events) {
  n_finals_ = n_finals;
  n_events_ = n_events;
}

void PathTable::adopt_shape(const PathResult& p) {
  if (n_ == 0 && n_finals_ == 0 && n_events_ == 0) shape(p.finals.size(), p.first_step.size());
  if (p.finals.size() != n_finals_ || p.first_step.size() != n_events_)
    throw std::logic_error("PathTable: a path with another number of finals or events");
}

void PathTable::write_row(std::size_t row, const PathResult& p) {
  std::vector<unsigned char> buf(row_bytes());
  std::memcpy(buf.data(), &p.id, 8);
  std::memcpy(buf.data() + 8, p.finals.data(), 8 * n_finals_);
  std::memcpy(buf.data() + 8 * (1 + n_finals_), p.first_step.data(), 8 * n_events_);
  write_all(fd_, buf.data(), buf.size(), row * row_bytes());
  if (!p.series.empty()) series_.emplace_back(p.id, p.series);
}

void PathTable::read_rows(std::size_t first, std::size_t count, unsigned char* out) const {
  if (count) read_all(fd_, out, count * row_bytes(), first * row_bytes());
}

template <class F>
void PathTable::scan(F&& per_row) const {
  if (n_ == 0) return;
  const std::size_t per = std::max<std::size_t>(1, kScanBytes / row_bytes());
  std::vector<unsigned char> buf(std::min(per, n_) * row_bytes());
  for (std::size_t first = 0; first < n_; first += per) {
    const std::size_t count = std::min(per, n_ - first);
    read_rows(first, count, buf.data());
    for (std::size_t k = 0; k < count; ++k) per_row(first + k, buf.data() + k * row_bytes());
  }
}

void PathTable::push_back(const PathResult& p) {
  adopt_shape(p);
  open();
  write_row(n_, p);
  ++n_;
}

void PathTable::rows(std::size_t n, std::size_t n_finals, std::size_t n_events) {
  clear();
  shape(n_finals, n_events);
  if (n == 0) return;
  open();
  // Every row starts empty (id = kEmpty).
  const std::size_t per = std::max<std::size_t>(1, kScanBytes / row_bytes());
  std::vector<unsigned char> buf(std::min(per, n) * row_bytes(), 0);
  for (std::size_t k = 0; k < buf.size() / row_bytes(); ++k) std::memcpy(buf.data() + k * row_bytes(), &kEmpty, 8);
  for (std::size_t first = 0; first < n; first += per) {
    const std::size_t count = std::min(per, n - first);
    write_all(fd_, buf.data(), count * row_bytes(), first * row_bytes());
  }
  n_ = n;
}

void PathTable::set(std::size_t row, const PathResult& p) {
  adopt_shape(p);
  open();
  write_row(row, p);
}

bool PathTable::filled(std::size_t row) const {
  std::uint64_t id = kEmpty;
  read_all(fd_, reinterpret_cast<unsigned char*>(&id), 8, row * row_bytes());
  return id != kEmpty;
}

void PathTable::drop_empty() {
  if (n_ == 0) return;
  std::size_t out = 0;
  scan([&](std::size_t i, const unsigned char* row) {
    std::uint64_t id;
    std::memcpy(&id, row, 8);
    if (id == kEmpty) return;
    // Rows move only towards the front, never past the one being read: a copy of the row in
    // hand is safe even though `scan` reads ahead in blocks (its block is already in memory).
    if (out != i) write_all(fd_, row, row_bytes(), out * row_bytes());
    ++out;
  });
  n_ = out;
  if (::ftruncate(fd_, static_cast<off_t>(n_ * row_bytes())) != 0) io_failure("truncate");
}

PathResult PathTable::operator[](std::size_t i) const {
  std::vector<unsigned char> buf(row_bytes());
  read_rows(i, 1, buf.data());
  PathResult p;
  std::memcpy(&p.id, buf.data(), 8);
  p.finals.resize(n_finals_);
  p.first_step.resize(n_events_);
  std::memcpy(p.finals.data(), buf.data() + 8, 8 * n_finals_);
  std::memcpy(p.first_step.data(), buf.data() + 8 * (1 + n_finals_), 8 * n_events_);
  for (const auto& [id, values] : series_)  // at most output.store_paths entries
    if (id == p.id) p.series = values;
  return p;
}

void PathTable::visit(const std::function<void(const PathResult&)>& f) const {
  PathResult p;
  p.finals.resize(n_finals_);
  p.first_step.resize(n_events_);
  scan([&](std::size_t, const unsigned char* row) {
    std::memcpy(&p.id, row, 8);
    if (p.id == kEmpty) return;
    std::memcpy(p.finals.data(), row + 8, 8 * n_finals_);
    std::memcpy(p.first_step.data(), row + 8 * (1 + n_finals_), 8 * n_events_);
    p.series.clear();
    for (const auto& [id, values] : series_)
      if (id == p.id) p.series = values;
    f(p);
  });
}

std::vector<std::uint64_t> PathTable::ids() const {
  std::vector<std::uint64_t> out(n_);
  scan([&](std::size_t i, const unsigned char* row) { std::memcpy(&out[i], row, 8); });
  return out;
}

std::vector<double> PathTable::final_column(std::size_t k) const {
  std::vector<double> out(n_);
  scan([&](std::size_t i, const unsigned char* row) { std::memcpy(&out[i], row + 8 * (1 + k), 8); });
  return out;
}

std::vector<std::int64_t> PathTable::event_column(std::size_t e) const {
  std::vector<std::int64_t> out(n_);
  scan([&](std::size_t i, const unsigned char* row) { std::memcpy(&out[i], row + 8 * (1 + n_finals_ + e), 8); });
  return out;
}

void PathTable::sort_by_id() {
  const std::vector<std::uint64_t> id = ids();
  if (std::is_sorted(id.begin(), id.end())) return;
  std::vector<std::size_t> order(n_);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return id[a] < id[b]; });
  PathTable out;
  out.shape(n_finals_, n_events_);
  out.open();
  std::vector<unsigned char> buf(row_bytes());
  for (std::size_t k = 0; k < n_; ++k) {
    read_rows(order[k], 1, buf.data());
    write_all(out.fd_, buf.data(), buf.size(), k * row_bytes());
  }
  out.n_ = n_;
  out.series_ = std::move(series_);
  *this = std::move(out);
}

}  // namespace stampede
