// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The plug-in's own help domain: GIMP's help plug-in maps a procedure's help id through
// <uri>/<locale>/gimp-help.xml (locale "en" as the fallback), so the dialogs' Help button opens
// the plug-in's page (help/en/gimp-plugin.md beside the executable) instead of GIMP's manual.
#include <string>

namespace fstack::gimp {

constexpr const char* kHelpDomain = "fstack-gimp";

// The file:// URI of the help/ folder beside the executable `progname` (GIMP passes the full path).
std::string help_domain_uri(const std::string& progname);

}  // namespace fstack::gimp
