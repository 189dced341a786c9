#pragma once
// The one place that calls the HDF5 C API (style.md: OpenMC keeps all raw HDF5 calls behind one
// small wrapper). RAII handles, typed datasets and attributes, and every failure turned into an
// h5::Error naming the object; HDF5's own error-stack printing is silenced while we call it.
// Groups created here track link and attribute creation order, so readers (ours and h5py) list
// metrics in schema order rather than alphabetically.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace stampede::h5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Id = std::int64_t;  // hid_t (checked in hdf5_file.cpp)

// True if `path` is an existing, readable HDF5 file.
bool is_hdf5(const std::string& path);

// An open group or dataset; attributes live on either.
class Object {
 public:
  Object() = default;
  Object(Id id, std::string path) : id_(id), path_(std::move(path)) {}
  Object(Object&& o) noexcept : id_(std::exchange(o.id_, -1)), path_(std::move(o.path_)) {}
  Object& operator=(Object&& o) noexcept;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object();

  const std::string& path() const { return path_; }

  void set_attr(const std::string& name, double v) const;
  void set_attr(const std::string& name, std::int64_t v) const;
  void set_attr(const std::string& name, std::uint64_t v) const;
  void set_attr(const std::string& name, const std::string& v) const;
  void set_attr(const std::string& name, const char* v) const { set_attr(name, std::string(v)); }
  void set_attr(const std::string& name, std::span<const double> v) const;
  void set_attr(const std::string& name, std::span<const std::int64_t> v) const;

  bool has_attr(const std::string& name) const;
  double attr_double(const std::string& name) const;
  std::int64_t attr_int(const std::string& name) const;
  std::uint64_t attr_uint(const std::string& name) const;
  std::string attr_string(const std::string& name) const;
  std::vector<std::int64_t> attr_ints(const std::string& name) const;
  std::vector<double> attr_doubles(const std::string& name) const;
  // Attribute names, in creation order where tracked.
  std::vector<std::string> attr_names() const;
  bool attr_is_string(const std::string& name) const;

 protected:
  Id id_ = -1;
  std::string path_;
};

// How a dataset is laid out: contiguous, or chunked with shuffle + deflate.
struct Storage {
  std::vector<std::uint64_t> chunk;  // empty = contiguous
  int deflate_level = 4;
};

class Group : public Object {
 public:
  using Object::Object;

  Group create_group(const std::string& name) const;
  Group open_group(const std::string& name) const;
  bool has(const std::string& name) const;  // a direct child link of that name exists
  // Child names, in creation order where tracked.
  std::vector<std::string> children() const;

  Object write(const std::string& name, std::span<const double> data,
               const std::vector<std::uint64_t>& dims, const Storage& storage = {}) const;
  Object write(const std::string& name, std::span<const std::int64_t> data,
               const std::vector<std::uint64_t>& dims, const Storage& storage = {}) const;
  Object write(const std::string& name, std::span<const std::uint64_t> data,
               const std::vector<std::uint64_t>& dims, const Storage& storage = {}) const;
  Object write_string(const std::string& name, const std::string& text) const;

  Object open_dataset(const std::string& name) const;
  std::vector<std::uint64_t> dims(const std::string& name) const;
  std::vector<double> read_doubles(const std::string& name) const;
  std::vector<std::int64_t> read_ints(const std::string& name) const;
  std::vector<std::uint64_t> read_uints(const std::string& name) const;
  std::string read_string(const std::string& name) const;
};

class File : public Group {
 public:
  // Truncates an existing file; with exclusive (H5F_ACC_EXCL), fails if `path` exists.
  static File create(const std::string& path, bool exclusive = false);
  static File open_read(const std::string& path);
  static File open_write(const std::string& path);  // an existing file, read-write
  // Flushes and closes, throwing if HDF5 reports a failure (e.g. the disk filled up).
  void close();

 private:
  using Group::Group;
};

}  // namespace stampede::h5
