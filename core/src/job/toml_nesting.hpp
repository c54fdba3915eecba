// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>

namespace fstack::jobfile {

// The deepest nesting a job file may have: tables in table headers ("[a.b.c]", "[[a.b]]"),
// dotted keys ("a.b.c = 1") and inline arrays and tables, counted together. A job file needs
// 3; toml++ recurses once per level while it builds and frees the document, and a header
// nested 130,000 levels overflowed the stack (SIGSEGV).
constexpr int kMaxTomlNesting = 64;

// Refuses (jobfile::fail, naming the file and the line) a document nested deeper than
// kMaxTomlNesting, from its text alone, before toml++ sees it. Strings and comments are
// skipped; the count errs on the deep side for malformed documents only.
void check_toml_nesting(const std::filesystem::path& file, const std::string& text);

}  // namespace fstack::jobfile
