// SPDX-License-Identifier: GPL-3.0-or-later
// The help/ folder beside the plug-in as a file:// URI (percent-encoded as RFC 8089 wants).
#include "help_domain.hpp"

#include <cstdio>
#include <filesystem>

namespace fstack::gimp {

std::string help_domain_uri(const std::string& progname) {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::absolute(progname, ec);
    const std::string dir = (exe.parent_path() / "help").lexically_normal().string();
    std::string uri = "file://";
    for (unsigned char c : dir) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
        if (plain) {
            uri += char(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            uri += hex;
        }
    }
    return uri;
}

}  // namespace fstack::gimp
