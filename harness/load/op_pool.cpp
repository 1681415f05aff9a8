#include "harness/load/op_pool.hpp"

#include <algorithm>
#include <cstddef>
#include <new>

namespace wsprobe::load {
namespace {

constexpr std::size_t round_up(std::size_t bytes) {
  constexpr std::size_t align = alignof(std::max_align_t);
  return (std::max(bytes, sizeof(void*)) + align - 1) / align * align;
}

}  // namespace

void* op_pool::allocate(std::size_t bytes) {
  const std::size_t size = round_up(bytes);
  if (size > slab_size / 16) return ::operator new(bytes);  // not what the pool is for
  auto it = std::find_if(classes_.begin(), classes_.end(),
                         [&](const size_class& c) { return c.size == size; });
  if (it == classes_.end()) it = classes_.insert(classes_.end(), size_class{size, nullptr});
  if (it->free != nullptr) {
    free_block* b = it->free;
    it->free = b->next;
    return b;
  }
  if (slab_used_ + size > slab_size) {
    slabs_.push_back(std::make_unique<std::byte[]>(slab_size));
    slab_used_ = 0;
  }
  void* p = slabs_.back().get() + slab_used_;
  slab_used_ += size;
  return p;
}

void op_pool::deallocate(void* p, std::size_t bytes) {
  const std::size_t size = round_up(bytes);
  if (size > slab_size / 16) {
    ::operator delete(p);
    return;
  }
  auto it = std::find_if(classes_.begin(), classes_.end(),
                         [&](const size_class& c) { return c.size == size; });
  // Every block of this size came from allocate(), which created its class.
  auto* b = static_cast<free_block*>(p);
  b->next = it->free;
  it->free = b;
}

}  // namespace wsprobe::load
