// RAII ownership of one libuv handle (shared by every module that runs a libuv loop).
//
// The handle lives on the heap and is freed by its close callback, so an owner may be
// destroyed at any point on the loop thread: the destructor calls uv_close() and the memory
// goes away on the next loop iteration. Whoever tears a loop down therefore runs it once more
// after dropping its handles, then calls uv_loop_close(). Not thread-safe: loop thread only.
#pragma once

#include <uv.h>

#include <string>
#include <type_traits>
#include <utility>

#include "grid/common/error.hpp"

namespace grid::loop {

template <typename T>
class UvHandle {
 public:
  UvHandle() = default;

  // Runs `init(T*)` (a uv_*_init or uv_spawn call returning a libuv status) and sets the
  // handle's data pointer; throws grid::Error "<what>: <libuv error>" when init fails.
  template <typename Init>
  UvHandle(const char* what, void* data, Init&& init) : handle_(new T{}) {
    int rc = std::forward<Init>(init)(handle_);
    if (rc < 0) {
      // uv_spawn registers the handle with the loop even when it fails; the others do not.
      if constexpr (std::is_same_v<T, uv_process_t>) {
        reset();
      } else {
        delete handle_;
        handle_ = nullptr;
      }
      throw Error(std::string(what) + ": " + uv_strerror(rc));
    }
    handle_->data = data;
  }

  ~UvHandle() { reset(); }
  UvHandle(UvHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;

  T* get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  uv_handle_t* base() const { return reinterpret_cast<uv_handle_t*>(handle_); }
  uv_stream_t* stream() const { return reinterpret_cast<uv_stream_t*>(handle_); }

  // Closes the handle (no callbacks but the close callback follow).
  void reset() {
    if (handle_ == nullptr) return;
    uv_close(base(), [](uv_handle_t* h) { delete reinterpret_cast<T*>(h); });
    handle_ = nullptr;
  }

 private:
  T* handle_ = nullptr;
};

}  // namespace grid::loop
