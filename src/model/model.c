/* model.c - a loaded structure: what it is called, what it counts, freeing it; great-circle distance. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"

void kz_model_free(kz_model *m)
{
    if (!m)
        return;
    arena_free(&m->arena);
    free(m);
}

const char *kz_model_name(const kz_model *m)
{
    return m->name;
}

const char *kz_model_title(const kz_model *m)
{
    return m->title;
}

const char *kz_model_variant(const kz_model *m)
{
    return m->variant >= 0 ? m->variants[m->variant].id : NULL;
}

size_t kz_model_nvariants(const kz_model *m)
{
    return m->nvariants;
}

const char *kz_model_variant_id(const kz_model *m, size_t i)
{
    return i < m->nvariants ? m->variants[i].id : NULL;
}

void kz_model_counts(const kz_model *m, struct kz_model_counts *out)
{
    *out = (struct kz_model_counts){m->nnations,   m->nphases,      m->ndecisions, m->nnodes,
                                    m->nrelations, m->nauthorities, m->nnetworks};
}

int kz_model_phase_find(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nphases; i++)
        if (!strcmp(m->phases[i].id, id))
            return (int)i;
    return -1;
}

const char *kz_model_phase_id(const kz_model *m, int i)
{
    return i >= 0 && (size_t)i < m->nphases ? m->phases[i].id : NULL;
}

double kz_geo_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0, rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}
