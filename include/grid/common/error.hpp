// The one error style of GRID's library code: functions that cannot do what they promise
// throw grid::Error (or a subclass carrying more detail, e.g. bus::NatsError); callers at
// module edges (main, API handlers, the scheduler loop) catch and report them. Validation
// that can find several problems at once returns them as a list instead of throwing.
#pragma once

#include <stdexcept>
#include <string>

namespace grid {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace grid
