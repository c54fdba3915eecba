// SPDX-License-Identifier: GPL-3.0-or-later
// GIMP 2.10 registration: PDB arguments from the parameter table, last values, run modes.
#include <libgimp/gimp.h>

#include <cstring>
#include <vector>

#include "../shared/help_domain.hpp"
#include "../shared/procedures.hpp"
#include "dialog2.hpp"
#include "host2.hpp"

using namespace fstack::gimp;

namespace {

constexpr int kFixedArgs = 3;  // run-mode, image, drawable: what an <Image> procedure gets first

std::string arg_help(const ParamDef& d) {
    std::string h = d.help;
    if (d.kind == ParamKind::Bool) h += " (0/1)";
    if (d.kind == ParamKind::Choice) {
        h += " {";
        for (size_t i = 0; i < d.choices.size(); ++i)
            h += (i ? ", " : " ") + std::to_string(i) + " = " + d.choices[i].id;
        h += " }";
    }
    return h;
}

void query() {
    // The dialogs' Help opens the plug-in's own page (help/en/gimp-plugin.md beside it).
    gimp_plugin_help_register(kHelpDomain, help_domain_uri(gimp_get_progname()).c_str());
    for (const ProcedureDef& p : procedures()) {
        // gimp_install_procedure copies the strings: they only need to live through the call.
        std::vector<std::string> helps;
        for (const ParamDef& d : p.params()) helps.push_back(arg_help(d));
        std::vector<GimpParamDef> args = {
            {GIMP_PDB_INT32, (gchar*)"run-mode", (gchar*)"The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1) }"},
            {GIMP_PDB_IMAGE, (gchar*)"image", (gchar*)"Input image (its layers are the frames)"},
            {GIMP_PDB_DRAWABLE, (gchar*)"drawable", (gchar*)"Input drawable (unused)"},
        };
        size_t i = 0;
        for (const ParamDef& d : p.params())
            args.push_back({d.kind == ParamKind::Double ? GIMP_PDB_FLOAT : GIMP_PDB_INT32,
                            (gchar*)d.name, (gchar*)helps[i++].c_str()});
        static const GimpParamDef rets[] = {
            {GIMP_PDB_IMAGE, (gchar*)"result-image", (gchar*)"The image holding the result"},
            {GIMP_PDB_LAYER, (gchar*)"result-layer", (gchar*)"The result layer (-1 if none)"},
        };
        gimp_install_procedure(p.name, p.blurb, p.help, kAuthor, kCopyright, kDate, p.menu_label,
                               "RGB*, GRAY*", GIMP_PLUGIN, gint(args.size()), G_N_ELEMENTS(rets),
                               args.data(), rets);
        gimp_plugin_menu_register(p.name, kMenuPath);
    }
}

// Last values (from interactive runs only): the table's values as doubles in table order (gimp_set_data keeps raw bytes).
bool load_last(const ProcedureDef& p, ParamValues& v) {
    const auto& defs = p.params();
    std::vector<double> raw(defs.size());
    if (gimp_get_data_size(p.name) != gint(raw.size() * sizeof(double))) return false;
    gimp_get_data(p.name, raw.data());
    for (size_t i = 0; i < defs.size(); ++i) v[defs[i].name] = raw[i];
    return true;
}

void save_last(const ProcedureDef& p, const ParamValues& v) {
    std::vector<double> raw;
    for (const ParamDef& d : p.params()) raw.push_back(v.at(d.name));
    gimp_set_data(p.name, raw.data(), guint32(raw.size() * sizeof(double)));
}

void run(const gchar* name, gint nparams, const GimpParam* param, gint* nreturn_vals,
         GimpParam** return_vals) {
    static GimpParam values[3];
    static std::string error_text;
    *return_vals = values;
    *nreturn_vals = 1;
    values[0].type = GIMP_PDB_STATUS;
    values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
    const ProcedureDef* proc = find_procedure(name);
    if (!proc || nparams < kFixedArgs) return;

    const auto run_mode = GimpRunMode(param[0].data.d_int32);
    const gint32 image = param[1].data.d_image;
    const auto& defs = proc->params();
    ParamValues v = defaults(defs);
    if (run_mode == GIMP_RUN_NONINTERACTIVE) {
        if (nparams != kFixedArgs + int(defs.size())) return;  // GIMP reports the calling error
        for (size_t i = 0; i < defs.size(); ++i) {
            const GimpParam& a = param[kFixedArgs + i];
            v[defs[i].name] = defs[i].kind == ParamKind::Double ? a.data.d_float : a.data.d_int32;
        }
    } else {
        load_last(*proc, v);
        if (run_mode == GIMP_RUN_INTERACTIVE && !run_dialog2(*proc, v)) {
            values[0].data.d_status = GIMP_PDB_CANCEL;
            return;
        }
    }

    Host2 host(image, run_mode);
    try {
        gimp_progress_init(proc->blurb);
        const LayerId layer = proc->run(host, v);
        // Only what the user chose in the dialog is remembered: a script's arguments never
        // become the dialog's (or Repeat's) values.
        if (run_mode == GIMP_RUN_INTERACTIVE) save_last(*proc, v);
        values[0].data.d_status = GIMP_PDB_SUCCESS;
        values[1].type = GIMP_PDB_IMAGE;
        values[1].data.d_image = host.output_image();
        values[2].type = GIMP_PDB_LAYER;
        values[2].data.d_layer = layer;
        *nreturn_vals = 3;
    } catch (const std::exception& e) {
        error_text = e.what();  // fstack::Error: "layer 'x': frame 3: reason" or the reason
        // 2.10 shows a string after an EXECUTION_ERROR status as the failure's message, to
        // Script-Fu callers and in the error console alike.
        values[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
        values[1].type = GIMP_PDB_STRING;
        values[1].data.d_string = (gchar*)error_text.c_str();
        *nreturn_vals = 2;
    }
}

const GimpPlugInInfo PLUG_IN_INFO = {nullptr, nullptr, query, run};

}  // namespace

MAIN()
