#pragma once
// 64-byte aligned, padded arrays for structure-of-arrays agent state (agents.md "Population").
// Capacity is rounded up to a whole number of 64-byte lines so a SIMD kernel may process the
// padding lanes (zero-filled) instead of a scalar tail, keeping every agent on the same code path.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace stampede {

inline constexpr std::size_t kCacheLine = 64;

template <class T>
class AlignedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  AlignedArray() = default;
  explicit AlignedArray(std::size_t n) { resize(n); }
  // A deep copy (padding included): a path's state is copied when rare-event splitting clones it.
  AlignedArray(const AlignedArray& o) {
    resize(o.size_);
    if (capacity_ > 0) std::memcpy(static_cast<void*>(data_), o.data_, capacity_ * sizeof(T));
  }
  AlignedArray& operator=(const AlignedArray& o) {
    if (this != &o) {
      AlignedArray copy(o);
      swap(copy);
    }
    return *this;
  }
  AlignedArray(AlignedArray&& o) noexcept { swap(o); }
  AlignedArray& operator=(AlignedArray&& o) noexcept { swap(o); return *this; }
  ~AlignedArray() { std::free(data_); }

  static constexpr std::size_t padded(std::size_t n) {
    constexpr std::size_t per_line = kCacheLine / sizeof(T) ? kCacheLine / sizeof(T) : 1;
    return (n + per_line - 1) / per_line * per_line;
  }
  // Zero-filled, padding included. Reallocates (call at path start, never in the step loop).
  void resize(std::size_t n) {
    std::free(data_);
    data_ = nullptr;
    size_ = n;
    capacity_ = padded(n);
    if (capacity_ == 0) return;
    data_ = static_cast<T*>(std::aligned_alloc(kCacheLine, capacity_ * sizeof(T)));
    if (!data_) throw std::bad_alloc();
    std::memset(static_cast<void*>(data_), 0, capacity_ * sizeof(T));
  }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  std::span<T> span() { return {data_, size_}; }
  std::span<const T> span() const { return {data_, size_}; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }

 private:
  void swap(AlignedArray& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }
  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace stampede
