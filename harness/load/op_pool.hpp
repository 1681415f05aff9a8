// Memory for the asynchronous operations that idle connections keep pending (one wait for
// readability each): fixed-size blocks carved from 64 KiB slabs and kept on a free list per
// size, so that 10,000 pending waits cost their own size and no allocator header each, and do
// not sit between the short-lived allocations of the handshakes. One pool per worker thread.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace wsprobe::load {

class op_pool {
 public:
  op_pool() = default;
  op_pool(const op_pool&) = delete;
  op_pool& operator=(const op_pool&) = delete;

  void* allocate(std::size_t bytes);
  void deallocate(void* p, std::size_t bytes);

 private:
  struct free_block {
    free_block* next;
  };
  struct size_class {
    std::size_t size;
    free_block* free;
  };
  static constexpr std::size_t slab_size = 64 * 1024;

  std::vector<size_class> classes_;
  std::vector<std::unique_ptr<std::byte[]>> slabs_;
  std::size_t slab_used_ = slab_size;
};

// A standard allocator over an op_pool, for Asio's associated_allocator.
template <typename T>
class op_allocator {
 public:
  using value_type = T;

  explicit op_allocator(op_pool& pool) noexcept : pool_(&pool) {}
  template <typename U>
  op_allocator(const op_allocator<U>& other) noexcept : pool_(other.pool()) {}

  T* allocate(std::size_t n) { return static_cast<T*>(pool_->allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { pool_->deallocate(p, n * sizeof(T)); }
  op_pool* pool() const noexcept { return pool_; }

  template <typename U>
  bool operator==(const op_allocator<U>& other) const noexcept {
    return pool_ == other.pool();
  }

 private:
  op_pool* pool_;
};

}  // namespace wsprobe::load
