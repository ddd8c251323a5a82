/* report_sweep.c - a sweep's CSV, JSON and HTML (placeholder). */
#include <stdio.h>

#include "kizuna/error.h"
#include "kizuna/sweep_report.h"

int kz_sweep_report_json(FILE *out, const struct kz_sweep_study *st)
{
    (void)out;
    (void)st;
    return KZ_EINVAL;
}
int kz_sweep_report_write(const char *dir, const struct kz_sweep_study *st, char *err,
                          size_t errlen)
{
    (void)dir;
    (void)st;
    snprintf(err, errlen, "not implemented");
    return KZ_EINVAL;
}
