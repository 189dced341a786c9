#pragma once
// Fixed-capacity ring of the last `capacity` values, allocated once at path start so the step
// loop never allocates (the histories behind signals and risk windows of every protocol).
#include <cassert>
#include <cstddef>
#include <vector>

namespace stampede {

template <class T>
class Ring {
 public:
  Ring() = default;
  explicit Ring(std::size_t capacity) : data_(capacity > 0 ? capacity : 1) {}

  std::size_t capacity() const { return data_.size(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    size_ = 0;
    head_ = 0;
  }

  // Appends; once full, overwrites the oldest value.
  void push(const T& v) {
    data_[head_] = v;
    head_ = (head_ + 1) % data_.size();
    if (size_ < data_.size()) ++size_;
  }
  // back(0) is the newest value, back(size() − 1) the oldest held.
  const T& back(std::size_t age = 0) const {
    assert(age < size_);
    return data_[(head_ + data_.size() - 1 - age) % data_.size()];
  }
  const T& oldest() const { return back(size_ - 1); }

  // Fixed-order (oldest to newest) visit, so reductions over the ring are reproducible.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t k = size_; k-- > 0;) f(back(k));
  }

 private:
  std::vector<T> data_ = std::vector<T>(1);
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace stampede
