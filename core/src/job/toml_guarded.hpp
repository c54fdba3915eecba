// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one way core/ includes toml++. Debian 12's toml++ 3.3 states its parser's internal
// preconditions with TOML_ASSERT_ASSUME and marks "impossible" branches TOML_UNREACHABLE; in a
// release build those become __builtin_assume / __builtin_unreachable, and some malformed job
// files do reach them (fuzz_job_file found "[" then a newline, and non-ASCII bytes between
// tokens): undefined behaviour. Here both throw TomlParserFault instead, which the job-file
// loader reports as a syntax error in the file. (Where one sits in a noexcept function the throw
// ends the program, as an assertion would: still no undefined behaviour. The known one, in the
// Unicode tables, is kept away by the loader's pre-scan.)
// toml++ 3.3 (Debian 12) names its headers .h, 3.4 (Debian 13, the GIMP 3 chroot) .hpp.
#if __has_include(<toml++/impl/preprocessor.hpp>)
#include <toml++/impl/preprocessor.hpp>
#else
#include <toml++/impl/preprocessor.h>
#endif

#include <stdexcept>

namespace fstack::jobfile {
struct TomlParserFault : std::logic_error {
    using std::logic_error::logic_error;
};
}  // namespace fstack::jobfile

#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) \
    ((expr) ? static_cast<void>(0) : throw ::fstack::jobfile::TomlParserFault("toml++ precondition: " #expr))
#undef TOML_UNREACHABLE
#define TOML_UNREACHABLE throw ::fstack::jobfile::TomlParserFault("toml++ reached an unreachable branch")

// gcc notes that a throw in toml++'s noexcept accessors would terminate: those preconditions
// are about the caller's use of a parsed table, not about the document, and fstack keeps them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wterminate"
#endif
#include <toml++/toml.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
