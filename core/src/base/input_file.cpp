// SPDX-License-Identifier: GPL-3.0-or-later
// Input files told apart from pipes, sockets and devices without opening them; reading them.
#include "fstack/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fstack/error.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

FileKind kind_of(mode_t mode) {
    if (S_ISREG(mode)) return FileKind::Regular;
    if (S_ISDIR(mode)) return FileKind::Directory;
    if (S_ISFIFO(mode)) return FileKind::Fifo;
    if (S_ISSOCK(mode)) return FileKind::Socket;
    if (S_ISCHR(mode)) return FileKind::CharDevice;
    if (S_ISBLK(mode)) return FileKind::BlockDevice;
    return FileKind::Unreadable;
}

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

FileCheck check_file(const fs::path& path) {
    FileCheck c;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        c.kind = errno == ENOENT || errno == ENOTDIR ? FileKind::Missing : FileKind::Unreadable;
        c.error = std::strerror(errno);
        return c;
    }
    c.link = S_ISLNK(st.st_mode);
    if (c.link && ::stat(path.c_str(), &st) != 0) {
        c.kind = errno == ELOOP ? FileKind::LinkLoop
                 : errno == ENOENT || errno == ENOTDIR ? FileKind::BrokenLink
                                                        : FileKind::Unreadable;
        c.error = std::strerror(errno);
        return c;
    }
    c.kind = kind_of(st.st_mode);
    if (c.kind == FileKind::Unreadable) c.error = "not a file";
    return c;
}

std::string file_kind_reason(const FileCheck& c, const std::string& noun) {
    const std::string via = c.link ? "a symbolic link to " : "";
    const std::string not_file = ", not a regular file (only regular files, or links to them, are read)";
    switch (c.kind) {
        case FileKind::Regular: return {};
        case FileKind::Directory: return c.link ? "a symbolic link to a folder, not " + noun : "is a folder, not " + noun;
        case FileKind::Missing: return "file not found";
        case FileKind::BrokenLink: return "a broken symbolic link (its target does not exist)";
        case FileKind::LinkLoop: return "a broken symbolic link (a loop of symbolic links)";
        case FileKind::Fifo: return via + "a named pipe (FIFO)" + not_file;
        case FileKind::Socket: return via + "a socket" + not_file;
        case FileKind::CharDevice: return via + "a character device" + not_file;
        case FileKind::BlockDevice: return via + "a block device" + not_file;
        case FileKind::Unreadable: break;
    }
    return "cannot open the file: " + c.error;
}

void require_regular_file(const fs::path& path, int frame_index, const std::string& noun) {
    const FileCheck c = check_file(path);
    if (c.kind != FileKind::Regular) throw Error(ErrorKind::Input, path.string(), frame_index, file_kind_reason(c, noun));
}

std::vector<unsigned char> read_file_bytes(const fs::path& path, int frame_index, const std::string& noun,
                                           std::size_t limit) {
    require_regular_file(path, frame_index, noun);
    const auto fail = [&](const std::string& reason) { return Error(ErrorKind::Input, path.string(), frame_index, reason); };
    FdCloser f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0)
        throw fail(errno == EACCES ? "cannot open the file (permission denied)"
                                   : std::string("cannot open the file: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw fail(file_kind_reason({kind_of(st.st_mode), false, "not a file"}, noun));
    // A regular file never blocks; back to blocking reads for the odd network file system.
    ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);
    std::vector<unsigned char> bytes;
    const std::size_t expected = static_cast<std::size_t>(st.st_size);
    bytes.reserve(std::min(limit, expected));
    unsigned char buf[1 << 16];
    while (bytes.size() < limit) {
        const ssize_t n = ::read(f.fd, buf, std::min(sizeof buf, limit - bytes.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail(std::string("read error: ") + std::strerror(errno));
        if (n == 0) break;
        bytes.insert(bytes.end(), buf, buf + n);
    }
    return bytes;
}

}  // namespace fstack
