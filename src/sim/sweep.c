/* sweep.c - assumption settings, replications under each, and their summaries (placeholder). */
#include <stdio.h>

#include "kizuna/error.h"
#include "kizuna/sweep.h"

int kz_sweep_plan(kz_levers *lv, const kz_model *m, const kz_scenario *s,
                  const struct kz_sweep_options *o, kz_sweep **out, char *err, size_t errlen)
{
    (void)lv;
    (void)m;
    (void)s;
    (void)o;
    *out = NULL;
    snprintf(err, errlen, "not implemented");
    return KZ_EINVAL;
}
void kz_sweep_free(kz_sweep *w) { (void)w; }
