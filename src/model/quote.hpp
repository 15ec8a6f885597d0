// Go %q-style quoting of user-supplied text inside error messages, so that control
// characters and quotes in hostile values cannot garble the message. Private to the module.
#pragma once

#include <string>
#include <string_view>

namespace grid::model {

// "a\"b\n" → "\"a\\\"b\\n\""; bytes below 0x20 and 0x7f other than \n \r \t become \xNN.
std::string quote(std::string_view text);

}  // namespace grid::model
