// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one check of an output before any work, shared by the CLI's commands and every job
// action: an output never writes over an input, never replaces an existing file unless asked,
// and a name the file system cannot hold is refused before the stacking, not after it.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fstack {

// True when both name the same file (links included) or, for paths not yet existing, the same
// place once normalised (symbolic links, ".", ".." and relative spellings resolved).
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// The inputs by device and inode, so that an output is recognised as an input however it is
// spelt (relative, through .., a symbolic or hard link), in one stat() per output. The folders
// that hold the input files (and the input folders added as such) are kept too, so that an
// output folder (plots, maps, an action's output_path) can be refused when it is one of them.
class InputFiles {
public:
    InputFiles() = default;
    explicit InputFiles(const std::vector<std::filesystem::path>& files);
    // An input file; its folder becomes an input folder.
    void add(const std::filesystem::path& file);
    // An input folder (it may not exist yet: a folder an earlier job action writes), and with
    // `with_files` every file in it (a job's source folder: none of its files may be replaced).
    void add_folder(const std::filesystem::path& dir, bool with_files = false);
    // The input that `p` is (as it was given), or nullptr. A path that does not exist is no input.
    const std::filesystem::path* find(const std::filesystem::path& p) const;
    bool contains(const std::filesystem::path& p) const { return find(p) != nullptr; }
    // The input folder that `dir` is, or nullptr.
    const std::filesystem::path* find_folder(const std::filesystem::path& dir) const;

private:
    using Id = std::pair<dev_t, ino_t>;
    std::map<Id, std::filesystem::path> files_, folders_;
    std::map<std::filesystem::path, std::filesystem::path> missing_folders_;  // by weakly_canonical
};

// Who asks, for the messages: `owner` is "" for a CLI command, or the job and action
// ("job 'beetle': FocusStack 'stack'"); `role` names the output ("output", "depth map",
// "plot folder"); `option` is what the user changes to fix it ("output_path", "-o").
struct OutputCheck {
    bool overwrite = false;
    std::string role = "output";
    std::string owner;
    std::string option = "output";
    // The output's folder is made later, by the caller (--bunch, batches, job actions), who
    // checked where it goes: a folder that does not exist yet is not an error here.
    bool folder_made_later = false;
};

// Refuses, before any work, an output file that cannot or must not be written: one of the
// inputs, a folder, a folder that is missing or not writable, a name longer than the file
// system allows, an existing file without overwrite. Throws Error(Output) naming the output,
// and the input it would write over.
void check_output_file(const std::filesystem::path& out, const InputFiles& inputs, const OutputCheck& check);

// Refuses an output folder that is one of the input folders (or holds input files): its files
// would be taken for frames by the next run, or replace them. Throws Error(Output).
void check_output_folder_not_input(const std::filesystem::path& dir, const InputFiles& inputs,
                                   const OutputCheck& check);

// Refuses (Error(Output) naming `target`) a folder that is missing, not a folder or not writable.
void require_writable_folder(const std::filesystem::path& dir, const std::filesystem::path& target,
                             const OutputCheck& check);

// The longest file name (one path component, in bytes) the file system of `dir` takes.
long max_name_length(const std::filesystem::path& dir);

}  // namespace fstack
