// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <string>

#include "fstack/error.hpp"

namespace fstack::cli {

// Scripts branch on these, so they are part of the interface: never renumber them.
enum ExitCode : int {
    kExitOk = 0,
    kExitInternal = 1,
    kExitUsage = 2,
    kExitInput = 3,
    kExitOutput = 4,
    kExitInterrupted = 130,  // 128 + SIGINT, as shells report a process killed by Ctrl-C
};

inline int exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Input: return kExitInput;
        case ErrorKind::Output: return kExitOutput;
        case ErrorKind::Usage: return kExitUsage;
        case ErrorKind::Cancelled: return kExitInterrupted;
        case ErrorKind::Internal: break;
    }
    return kExitInternal;
}

// The help footer of every command.
inline std::string exit_codes_help() {
    return "Exit codes:\n"
           "  0    success\n"
           "  1    internal error (a bug: please report it)\n"
           "  2    usage error: unknown option, invalid value or combination\n"
           "  3    input error: missing, unreadable, corrupt or mismatched frames,\n"
           "       empty folder, fewer than 2 frames\n"
           "  4    output error: cannot write, output exists (see --overwrite),\n"
           "       output is one of the inputs\n"
           "  130  interrupted (Ctrl-C, SIGTERM, SIGHUP); no partial output is left behind";
}

}  // namespace fstack::cli
