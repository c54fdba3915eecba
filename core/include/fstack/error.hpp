// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <stdexcept>
#include <string>

namespace fstack {

// What kind of failure, so that front ends can map it to an exit code.
enum class ErrorKind {
    Input,      // an input file or folder is missing, unreadable, corrupt or unsuitable
    Output,     // an output cannot be written (folder missing, permissions, disk full, refused)
    Usage,      // an option or parameter has an invalid value
    Cancelled,  // the user cancelled through the Progress interface
    Internal,   // anything else
};

// The only exception core/ throws on purpose. It names the file, the frame index (or -1) and
// the reason in words a photographer understands.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string file, int frame_index, std::string reason);
    Error(ErrorKind kind, std::string reason) : Error(kind, {}, -1, std::move(reason)) {}

    ErrorKind kind() const noexcept { return kind_; }
    const std::string& file() const noexcept { return file_; }
    int frame_index() const noexcept { return frame_index_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    ErrorKind kind_;
    std::string file_;
    int frame_index_;
    std::string reason_;
};

}  // namespace fstack
