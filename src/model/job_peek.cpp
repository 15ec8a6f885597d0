#include "grid/model/job_peek.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace grid::model {
namespace {

// SAX events of nlohmann::json: follows the nesting depth, notes the top-level "status"
// string and stops the parse there (returning false ends sax_parse early).
class StatusPeek {
 public:
  using json = nlohmann::json;

  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(json::number_integer_t) { return value(); }
  bool number_unsigned(json::number_unsigned_t) { return value(); }
  bool number_float(json::number_float_t, const json::string_t&) { return value(); }
  bool binary(json::binary_t&) { return value(); }
  bool string(json::string_t& text) {
    if (!at_status_) return true;
    status_ = parse_job_status(text);
    return false;
  }
  bool start_object(std::size_t) { return enter(); }
  bool start_array(std::size_t) { return enter(); }
  bool end_object() { return leave(); }
  bool end_array() { return leave(); }
  bool key(json::string_t& name) {
    at_status_ = depth_ == 1 && name == "status";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  std::optional<JobStatus> status() const { return status_; }

 private:
  // A status that is not a string ends the peek without one.
  bool value() { return !at_status_; }
  bool enter() {
    if (at_status_ || (depth_ == 0 && seen_top_)) return false;
    seen_top_ = true;
    ++depth_;
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }

  int depth_ = 0;
  bool seen_top_ = false;
  bool at_status_ = false;
  std::optional<JobStatus> status_;
};

}  // namespace

std::optional<JobStatus> peek_job_status(std::string_view text) {
  StatusPeek peek;
  nlohmann::json::sax_parse(text.begin(), text.end(), &peek);
  return peek.status();
}

}  // namespace grid::model
