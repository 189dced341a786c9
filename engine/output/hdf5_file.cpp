#include "engine/output/hdf5_file.hpp"

#include <hdf5.h>

#include <cstdio>
#include <type_traits>
#include <utility>

namespace stampede::h5 {

static_assert(std::is_same_v<hid_t, Id>, "h5::Id must be hid_t");

namespace {

// Silences HDF5's automatic error-stack printing for the lifetime of the guard; our own
// exceptions carry the message instead.
class Quiet {
 public:
  Quiet() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// Owns a property list, dataspace, datatype or attribute id.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

[[noreturn]] void fail(const std::string& what, const std::string& where) {
  throw Error("HDF5: " + what + " failed for " + where);
}

void check(herr_t status, const std::string& what, const std::string& where) {
  if (status < 0) fail(what, where);
}

Handle checked(hid_t id, herr_t (*close)(hid_t), const std::string& what, const std::string& where) {
  if (id < 0) fail(what, where);
  return Handle(id, close);
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

Handle string_type() {
  Handle t = checked(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", "string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size", "string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset", "string type");
  return t;
}

Handle simple_space(const std::vector<std::uint64_t>& dims, const std::string& where) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  return checked(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose,
                 "H5Screate_simple", where);
}

Handle group_create_plist(const std::string& where) {
  Handle p = checked(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "H5Pcreate", where);
  check(H5Pset_link_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "H5Pset_link_creation_order", where);
  check(H5Pset_attr_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "H5Pset_attr_creation_order", where);
  return p;
}

std::string read_string_value(hid_t obj, hid_t type, hid_t space, bool is_attr, const std::string& where) {
  if (H5Tget_class(type) != H5T_STRING) throw Error(where + " is not a string");
  if (H5Sget_simple_extent_npoints(space) != 1) throw Error(where + " is not a single string");
  if (H5Tis_variable_str(type) > 0) {
    Handle mem = string_type();
    char* value = nullptr;
    check(is_attr ? H5Aread(obj, mem.get(), &value) : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value),
          "read", where);
    std::string out = value ? value : "";
    H5free_memory(value);
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  Handle mem = checked(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", where);
  check(H5Tset_size(mem.get(), size + 1), "H5Tset_size", where);
  std::string buf(size + 1, '\0');
  check(is_attr ? H5Aread(obj, mem.get(), buf.data()) : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
        "read", where);
  buf.resize(buf.find('\0') == std::string::npos ? buf.size() : buf.find('\0'));
  return buf;
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
}

// File types: little-endian IEEE / two's complement, so files are identical on every host.
template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
  if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_STD_U64LE;
}

template <class T>
void write_attr_array(hid_t obj, const std::string& where, const std::string& name, std::span<const T> v,
                      bool scalar) {
  Quiet q;
  const std::string at = where + "@" + name;
  if (H5Aexists(obj, name.c_str()) > 0) check(H5Adelete(obj, name.c_str()), "H5Adelete", at);
  Handle space = scalar ? checked(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", at)
                        : simple_space({v.size()}, at);
  Handle attr = checked(H5Acreate2(obj, name.c_str(), file_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        H5Aclose, "H5Acreate2", at);
  if (!v.empty()) check(H5Awrite(attr.get(), native_type<T>(), v.data()), "H5Awrite", at);
}

template <class T>
std::vector<T> read_attr_array(hid_t obj, const std::string& where, const std::string& name) {
  Quiet q;
  const std::string at = where + "@" + name;
  Handle attr = checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", at);
  Handle space = checked(H5Aget_space(attr.get()), H5Sclose, "H5Aget_space", at);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail("H5Sget_simple_extent_npoints", at);
  Handle type = checked(H5Aget_type(attr.get()), H5Tclose, "H5Aget_type", at);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw Error(at + " is not numeric");
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n > 0) check(H5Aread(attr.get(), native_type<T>(), out.data()), "H5Aread", at);
  return out;
}

template <class T>
Object write_dataset(hid_t parent, const std::string& where, const std::string& name, std::span<const T> data,
                     const std::vector<std::uint64_t>& dims, const Storage& storage) {
  Quiet q;
  const std::string at = child_path(where, name);
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  if (n != data.size()) throw Error(at + ": data size does not match dims");
  Handle space = simple_space(dims, at);
  Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", at);
  // A chunk may not exceed a fixed dimension, so empty datasets stay contiguous.
  if (!storage.chunk.empty() && n > 0) {
    std::vector<hsize_t> chunk(storage.chunk.begin(), storage.chunk.end());
    for (std::size_t i = 0; i < chunk.size() && i < dims.size(); ++i)
      if (chunk[i] > dims[i]) chunk[i] = dims[i];
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk", at);
    check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle", at);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
      check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(storage.deflate_level)), "H5Pset_deflate", at);
  }
  hid_t ds = H5Dcreate2(parent, name.c_str(), file_type<T>(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT);
  if (ds < 0) fail("H5Dcreate2", at);
  Object obj(ds, at);
  if (n > 0) check(H5Dwrite(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "H5Dwrite", at);
  return obj;
}

template <class T>
std::vector<T> read_dataset(hid_t parent, const std::string& where, const std::string& name) {
  Quiet q;
  const std::string at = child_path(where, name);
  Handle ds = checked(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", at);
  Handle space = checked(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space", at);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail("H5Sget_simple_extent_npoints", at);
  Handle type = checked(H5Dget_type(ds.get()), H5Tclose, "H5Dget_type", at);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw Error(at + " is not numeric");
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n > 0) check(H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "H5Dread", at);
  return out;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

}  // namespace

bool is_hdf5(const std::string& path) {
  Quiet q;
  return H5Fis_hdf5(path.c_str()) > 0;
}

Object& Object::operator=(Object&& o) noexcept {
  if (this != &o) {
    Object tmp(std::move(*this));
    id_ = std::exchange(o.id_, -1);
    path_ = std::move(o.path_);
  }
  return *this;
}

Object::~Object() {
  if (id_ < 0) return;
  Quiet q;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    default: H5Oclose(id_); break;
  }
}

void Object::set_attr(const std::string& name, double v) const {
  write_attr_array<double>(id_, path_, name, std::span<const double>(&v, 1), true);
}
void Object::set_attr(const std::string& name, std::int64_t v) const {
  write_attr_array<std::int64_t>(id_, path_, name, std::span<const std::int64_t>(&v, 1), true);
}
void Object::set_attr(const std::string& name, std::uint64_t v) const {
  write_attr_array<std::uint64_t>(id_, path_, name, std::span<const std::uint64_t>(&v, 1), true);
}
void Object::set_attr(const std::string& name, std::span<const double> v) const {
  write_attr_array<double>(id_, path_, name, v, false);
}
void Object::set_attr(const std::string& name, std::span<const std::int64_t> v) const {
  write_attr_array<std::int64_t>(id_, path_, name, v, false);
}

void Object::set_attr(const std::string& name, const std::string& v) const {
  Quiet q;
  const std::string at = path_ + "@" + name;
  if (H5Aexists(id_, name.c_str()) > 0) check(H5Adelete(id_, name.c_str()), "H5Adelete", at);
  Handle type = string_type();
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", at);
  Handle attr = checked(H5Acreate2(id_, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        H5Aclose, "H5Acreate2", at);
  const char* p = v.c_str();
  check(H5Awrite(attr.get(), type.get(), &p), "H5Awrite", at);
}

bool Object::has_attr(const std::string& name) const {
  Quiet q;
  return H5Aexists(id_, name.c_str()) > 0;
}

double Object::attr_double(const std::string& name) const {
  auto v = read_attr_array<double>(id_, path_, name);
  if (v.size() != 1) throw Error(path_ + "@" + name + " is not a scalar");
  return v[0];
}
std::int64_t Object::attr_int(const std::string& name) const {
  auto v = read_attr_array<std::int64_t>(id_, path_, name);
  if (v.size() != 1) throw Error(path_ + "@" + name + " is not a scalar");
  return v[0];
}
std::uint64_t Object::attr_uint(const std::string& name) const {
  auto v = read_attr_array<std::uint64_t>(id_, path_, name);
  if (v.size() != 1) throw Error(path_ + "@" + name + " is not a scalar");
  return v[0];
}
std::vector<std::int64_t> Object::attr_ints(const std::string& name) const {
  return read_attr_array<std::int64_t>(id_, path_, name);
}
std::vector<double> Object::attr_doubles(const std::string& name) const {
  return read_attr_array<double>(id_, path_, name);
}

std::string Object::attr_string(const std::string& name) const {
  Quiet q;
  const std::string at = path_ + "@" + name;
  Handle attr = checked(H5Aopen(id_, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", at);
  Handle type = checked(H5Aget_type(attr.get()), H5Tclose, "H5Aget_type", at);
  Handle space = checked(H5Aget_space(attr.get()), H5Sclose, "H5Aget_space", at);
  return read_string_value(attr.get(), type.get(), space.get(), true, at);
}

bool Object::attr_is_string(const std::string& name) const {
  Quiet q;
  Handle attr = checked(H5Aopen(id_, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", path_ + "@" + name);
  Handle type = checked(H5Aget_type(attr.get()), H5Tclose, "H5Aget_type", path_ + "@" + name);
  return H5Tget_class(type.get()) == H5T_STRING;
}

std::vector<std::string> Object::attr_names() const {
  Quiet q;
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Aiterate2(id_, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attr_name, &names) < 0) {
    names.clear();
    idx = 0;
    check(H5Aiterate2(id_, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_name, &names), "H5Aiterate2", path_);
  }
  return names;
}

Group Group::create_group(const std::string& name) const {
  Quiet q;
  const std::string at = child_path(path_, name);
  Handle gcpl = group_create_plist(at);
  hid_t g = H5Gcreate2(id_, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT);
  if (g < 0) fail("H5Gcreate2", at);
  return Group(g, at);
}

Group Group::open_group(const std::string& name) const {
  Quiet q;
  const std::string at = child_path(path_, name);
  hid_t g = H5Gopen2(id_, name.c_str(), H5P_DEFAULT);
  if (g < 0) throw Error("missing group " + at);
  return Group(g, at);
}

bool Group::has(const std::string& name) const {
  Quiet q;
  return H5Lexists(id_, name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> Group::children() const {
  Quiet q;
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Literate(id_, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_name, &names) < 0) {
    names.clear();
    idx = 0;
    check(H5Literate(id_, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, &names), "H5Literate", path_);
  }
  return names;
}

Object Group::write(const std::string& name, std::span<const double> data, const std::vector<std::uint64_t>& dims,
                    const Storage& storage) const {
  return write_dataset<double>(id_, path_, name, data, dims, storage);
}
Object Group::write(const std::string& name, std::span<const std::int64_t> data,
                    const std::vector<std::uint64_t>& dims, const Storage& storage) const {
  return write_dataset<std::int64_t>(id_, path_, name, data, dims, storage);
}
Object Group::write(const std::string& name, std::span<const std::uint64_t> data,
                    const std::vector<std::uint64_t>& dims, const Storage& storage) const {
  return write_dataset<std::uint64_t>(id_, path_, name, data, dims, storage);
}

Object Group::write_string(const std::string& name, const std::string& text) const {
  Quiet q;
  const std::string at = child_path(path_, name);
  Handle type = string_type();
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", at);
  hid_t ds = H5Dcreate2(id_, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds < 0) fail("H5Dcreate2", at);
  Object obj(ds, at);
  const char* p = text.c_str();
  check(H5Dwrite(ds, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "H5Dwrite", at);
  return obj;
}

Object Group::open_dataset(const std::string& name) const {
  Quiet q;
  const std::string at = child_path(path_, name);
  hid_t ds = H5Dopen2(id_, name.c_str(), H5P_DEFAULT);
  if (ds < 0) throw Error("missing dataset " + at);
  return Object(ds, at);
}

std::vector<std::uint64_t> Group::dims(const std::string& name) const {
  Quiet q;
  const std::string at = child_path(path_, name);
  Handle ds = checked(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", at);
  Handle space = checked(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space", at);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail("H5Sget_simple_extent_ndims", at);
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  if (rank > 0) check(H5Sget_simple_extent_dims(space.get(), d.data(), nullptr), "H5Sget_simple_extent_dims", at);
  return {d.begin(), d.end()};
}

std::vector<double> Group::read_doubles(const std::string& name) const {
  return read_dataset<double>(id_, path_, name);
}
std::vector<std::int64_t> Group::read_ints(const std::string& name) const {
  return read_dataset<std::int64_t>(id_, path_, name);
}
std::vector<std::uint64_t> Group::read_uints(const std::string& name) const {
  return read_dataset<std::uint64_t>(id_, path_, name);
}

std::string Group::read_string(const std::string& name) const {
  Quiet q;
  const std::string at = child_path(path_, name);
  Handle ds = checked(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", at);
  Handle type = checked(H5Dget_type(ds.get()), H5Tclose, "H5Dget_type", at);
  Handle space = checked(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space", at);
  return read_string_value(ds.get(), type.get(), space.get(), false, at);
}

File File::create(const std::string& path, bool exclusive) {
  Quiet q;
  Handle fcpl = checked(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "H5Pcreate", path);
  check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "H5Pset_link_creation_order", path);
  check(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "H5Pset_attr_creation_order", path);
  hid_t f = H5Fcreate(path.c_str(), exclusive ? H5F_ACC_EXCL : H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT);
  if (f < 0) throw Error("cannot create HDF5 file " + path + (exclusive ? " (exclusive: it may exist)" : ""));
  File file(f, "/");
  return file;
}

File File::open_read(const std::string& path) {
  Quiet q;
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw Error("cannot open HDF5 file " + path);
  return File(f, "/");
}

File File::open_write(const std::string& path) {
  Quiet q;
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) throw Error("cannot open HDF5 file " + path + " for writing");
  return File(f, "/");
}

void File::close() {
  if (id_ < 0) return;
  Quiet q;
  const hid_t f = std::exchange(id_, -1);
  const herr_t flushed = H5Fflush(f, H5F_SCOPE_GLOBAL);
  const herr_t closed = H5Fclose(f);
  if (flushed < 0 || closed < 0) throw Error("HDF5: flush/close failed");
}

}  // namespace stampede::h5
