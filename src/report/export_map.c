/* export_map.c - kz_export_map: where the map goes, and what its two formats share. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export_map.h"
#include "kizuna/error.h"
#include "kizuna/util.h"

void map_phases(const struct kz_model *m, phase_mask mask, char *buf, size_t n)
{
    size_t l = 0;
    buf[0] = '\0';
    for (size_t p = 0; p < m->nphases && p < 32 && l < n; p++)
        if (mask & (1u << p))
            l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? "," : "", m->phases[p].id);
}

void map_time(int64_t ns, char *buf, size_t n)
{
    time_t s = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%03dZ", day, (int)(ns % 1000000000 / 1000000));
}

const char *map_grade(const struct node *nd)
{
    return nd->grade != GR_NONE ? kz_grade_names[nd->grade] : NULL;
}

int kz_export_map(const kz_model *m, const char *as, const struct kz_map_tracks *tracks,
                  enum kz_map_format format, const char *path, char *err, size_t errlen)
{
    if (!m || !path || (format != KZ_MAP_GEOJSON && format != KZ_MAP_KML)) {
        kz_set_err(err, errlen, "kz_export_map: no structure, file or format");
        return KZ_EINVAL;
    }
    bool std = !strcmp(path, "-");
    FILE *f = std ? stdout : fopen(path, "w");
    if (!f) {
        kz_set_err(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        return KZ_EIO;
    }
    const struct map p = {m, as, tracks};
    int rc =
        format == KZ_MAP_GEOJSON ? map_geojson(&p, f, err, errlen) : map_kml(&p, f, err, errlen);
    if ((std ? fflush(f) : fclose(f)) != 0 && rc == 0) {
        kz_set_err(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = KZ_EIO;
    }
    if (rc != 0 && !std)
        remove(path); /* no half map left behind to be taken for a whole one */
    return rc;
}
