/* cmd_export.c - `kizuna export`: a structure and a node's tracks as GeoJSON or KML. */
#include <stdio.h>

#include "cli.h"
#include "kizuna/export.h"
#include "opt.h"

static const char help[] =
    "usage: kizuna export --structure FILE [--journal DIR --as NODE] (--geojson | --kml)\n"
    "                     -o FILE\n\n"
    "Writes a map of the structure: every node as a point (id, name, kind, nation,\n"
    "grade) and every relation as a line (type, phases). With --journal DIR --as NODE,\n"
    "also the tracks NODE holds according to its journal DIR/NODE.db: the latest\n"
    "position of each track it sent or received, with its classification, the nations\n"
    "it is releasable to and its marking.\n\n"
    "  --geojson   one GeoJSON FeatureCollection (RFC 7946); properties.feature is\n"
    "              node, relation or track\n"
    "  --kml       a KML 2.2 document with the folders Headquarters, Relations and\n"
    "              Tracks held by NODE (Google Earth, QGIS, ATAK and WinTAK import it)\n"
    "  -o FILE     where to write it ('-': standard output)\n\n"
    "A map export is for reading, and it carries the tracks' markings: handle the file\n"
    "at the highest classification it holds (docs/tak.md, \"Map exports\").\n";

int cmd_export(int argc, char **argv)
{
    const char *file = NULL, *journal = NULL, *as = NULL, *out = NULL;
    bool geojson = false, kml = false;
    const struct cli_opt opts[] = {CLI_STR_OPT("--structure", &file, CLI_REQUIRED),
                                   CLI_STR_OPT("--journal", &journal, 0),
                                   CLI_STR_OPT("--as", &as, 0),
                                   CLI_FLAG_OPT("--geojson", &geojson),
                                   CLI_FLAG_OPT("--kml", &kml),
                                   {.name = "--out",
                                    .alias = "-o",
                                    .kind = CLI_STR,
                                    .dst = &out,
                                    .flags = CLI_REQUIRED,
                                    .meta = "FILE"},
                                   {0}};
    const struct cli_cmd cmd = {.name = "export", .help = help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if (geojson == kml)
        return cli_usage("export", "give one of --geojson and --kml");
    if (!journal != !as)
        return cli_usage("export", "--journal DIR and --as NODE go together");
    code = EXIT_OK;
    kz_model *m = cli_load_checked(file, false, &code);
    if (!m)
        return code;
    char err[512];
    struct kz_map_tracks tracks = {0};
    int rc = journal ? kz_journal_tracks(journal, as, m, &tracks, err, sizeof err) : 0;
    if (rc == KZ_EINVAL) {
        code = cli_usage("export", "%s", err); /* an --as that names no node */
    } else if (rc != 0) {
        fprintf(stderr, "kizuna export: %s\n", err);
        code = rc == KZ_ENOTFOUND ? EXIT_INPUT : EXIT_RUNTIME;
    } else if ((rc = kz_export_map(m, as, journal ? &tracks : NULL,
                                   geojson ? KZ_MAP_GEOJSON : KZ_MAP_KML, out, err, sizeof err)) !=
               0) {
        fprintf(stderr, "kizuna export: %s\n", err);
        code = EXIT_RUNTIME;
    } else {
        struct kz_model_counts c;
        kz_model_counts(m, &c);
        /* On stderr when the map itself goes to standard output. */
        fprintf(out[0] == '-' && !out[1] ? stderr : stdout,
                "kizuna export: %s: %zu nodes, %zu relations, %zu tracks%s%s\n", out, c.nodes,
                c.relations, tracks.n, as ? " held by " : "", as ? as : "");
    }
    kz_map_tracks_free(&tracks);
    kz_model_free(m);
    return code;
}
