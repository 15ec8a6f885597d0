// The one error type of the bus module: a failed nats.c call.
#pragma once

#include <nats/status.h>

#include <string>

#include "grid/common/error.hpp"

namespace grid::bus {

// Thrown by every bus function whose nats.c call fails. Carries the natsStatus, the JetStream
// error code when the server returned one (0 otherwise) and a text of the form
// "<context>: <status text> [(JetStream error <code>)][: <nats.c detail>]".
// Immutable; safe to copy and to read from any thread.
class NatsError : public Error {
 public:
  // The detail is nats.c's last error of this thread when `detail` is empty.
  NatsError(const std::string& context, natsStatus status, jsErrCode js_code = {},
            const std::string& detail = {});

  // A KV create on a key that already holds a value (see KvStore::create).
  static NatsError already_exists(const std::string& context);

  natsStatus status() const { return status_; }
  jsErrCode js_code() const { return js_code_; }

  // Stream, consumer, KV key or message not found.
  bool is_not_found() const;
  // Compare-and-swap failure: the expected last revision/sequence did not match
  // (JetStream error 10071 "wrong last sequence").
  bool is_cas_conflict() const;
  // KvStore::create found the key holding a value.
  bool is_already_exists() const { return already_exists_; }
  // The operation timed out (includes "no server reachable in time" while reconnecting).
  bool is_timeout() const;

 private:
  struct Described {};  // `what` is the complete message
  NatsError(Described, const std::string& what, natsStatus status, jsErrCode js_code,
            bool already_exists);

  natsStatus status_;
  jsErrCode js_code_;
  bool already_exists_ = false;
};

// Throws NatsError(context, status, js_code) unless status is NATS_OK.
void check(natsStatus status, const std::string& context, jsErrCode js_code = {});

}  // namespace grid::bus
