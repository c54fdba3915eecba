// SPDX-License-Identifier: GPL-3.0-or-later
// Frame lists: natural file-name order, a folder's image files, command-line inputs expanded.
#include <algorithm>
#include <cctype>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/input_file.hpp"

namespace fstack {

bool natural_less(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
        if (da && db) {
            size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
            // Compare by value: strip leading zeros, then by length, then lexically.
            size_t is = i, js = j;
            while (is + 1 < ie && a[is] == '0') ++is;
            while (js + 1 < je && b[js] == '0') ++js;
            if (ie - is != je - js) return ie - is < je - js;
            const int c = a.compare(is, ie - is, b, js, je - js);
            if (c != 0) return c < 0;
            if (ie - i != je - j) return ie - i < je - j;  // "01" after "1": stable, deterministic
            i = ie; j = je;
        } else {
            const int ca = std::tolower(static_cast<unsigned char>(a[i])), cb = std::tolower(static_cast<unsigned char>(b[j]));
            if (ca != cb) return ca < cb;
            ++i; ++j;
        }
    }
    if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
    return a < b;
}

std::vector<fs::path> list_frames(const fs::path& dir, Progress& progress) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) throw Error(ErrorKind::Input, dir.string(), -1, "folder not found");
    if (!fs::is_directory(dir, ec)) throw Error(ErrorKind::Input, dir.string(), -1, "not a folder");
    std::vector<fs::path> frames;
    fs::directory_iterator it(dir, ec);
    if (ec) throw Error(ErrorKind::Input, dir.string(), -1, "cannot read the folder: " + ec.message());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) throw Error(ErrorKind::Input, dir.string(), -1, "cannot read the folder: " + ec.message());
        const fs::path p = it->path();
        const std::string name = p.filename().string();
        // Hidden files, and our own temporaries: a run killed while writing (SIGKILL, power
        // loss) leaves ".NAME.fstack-tmp-XXXXXXXXXXXXXXXX.EXT" behind, never a frame.
        if (name.rfind(".", 0) == 0) continue;
        // lstat/stat only: a FIFO, a socket or a device is never opened (open() on a FIFO
        // waits for a writer forever).
        const FileCheck kind = check_file(p);
        if (kind.kind == FileKind::Directory) continue;  // sub-folders (an "out" folder beside the frames)
        if (kind.kind != FileKind::Regular) {
            progress.warn("skipping " + p.string() + ": " + file_kind_reason(kind, "an image"));
            continue;
        }
        // A file named like an image whose content is not one (empty, half-copied, unreadable)
        // is a frame that failed, not a sidecar: skipping it would leave a gap in the focus
        // sweep, so it stays in the list and reading it says what is wrong.
        if (sniff_format(p) == FileFormat::Unknown && format_from_extension(p) == FileFormat::Unknown) {
            progress.warn("skipping " + p.string() + ": not a JPEG, PNG or TIFF image");
            continue;
        }
        frames.push_back(p);
    }
    std::sort(frames.begin(), frames.end(), [](const fs::path& a, const fs::path& b) {
        return natural_less(a.filename().string(), b.filename().string());
    });
    return frames;
}

std::vector<fs::path> expand_inputs(const std::vector<fs::path>& inputs, Progress& progress) {
    std::vector<fs::path> out;
    for (const fs::path& p : inputs) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            const auto frames = list_frames(p, progress);
            out.insert(out.end(), frames.begin(), frames.end());
        } else {
            // A file named on the command line: a FIFO, a socket or a device is refused by name
            // here, before anything opens it.
            require_regular_file(p, -1, "an image");
            out.push_back(p);
        }
    }
    return out;
}

}  // namespace fstack
