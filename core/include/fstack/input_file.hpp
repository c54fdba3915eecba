// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Input files are regular files or links to them. A named pipe (FIFO) blocks open() until a
// writer comes, a character device (/dev/zero, a tty) never ends, a socket cannot be opened:
// each is told apart with lstat()/stat(), which never block, before anything opens it.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fstack {

enum class FileKind { Regular, Directory, Missing, BrokenLink, LinkLoop, Fifo, Socket, CharDevice, BlockDevice, Unreadable };

struct FileCheck {
    FileKind kind = FileKind::Missing;
    bool link = false;   // reached through a symbolic link
    std::string error;   // stat's reason where kind is Unreadable
};

// What `path` is, from lstat() and stat() alone.
FileCheck check_file(const std::filesystem::path& path);

// Why a path that is not a regular file cannot be read, in words: "a named pipe (FIFO), not a
// regular file", "a symbolic link to a character device, not a regular file", "a broken
// symbolic link", "file not found", "is a folder, not <noun>".
std::string file_kind_reason(const FileCheck& check, const std::string& noun);

// Throws Error(Input) naming `path` (and the frame index) unless it is a regular file or a link
// to one. `noun` names what was expected ("an image", "a job file") for a folder.
void require_regular_file(const std::filesystem::path& path, int frame_index, const std::string& noun);

// Up to `limit` bytes of a regular file, opened with O_NONBLOCK and checked again with fstat():
// a FIFO put in its place after require_regular_file() still cannot block. Throws Error(Input)
// naming the file.
std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path, int frame_index,
                                           const std::string& noun, std::size_t limit = SIZE_MAX);

}  // namespace fstack
