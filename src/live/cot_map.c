/* cot_map.c - the mapping between kizuna tracks and CoT: type, how, alerts, nation lists. */
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "live/cot.h"
#include "model/model_impl.h"

const char *const cot_category_names[COT_CAT_COUNT] = {"unknown",  "air",        "missile",
                                                       "maritime", "subsurface", "ground"};
const char *const cot_affil_names[COT_AFF_COUNT] = {
    "unknown", "pending", "assumed-friend", "friend", "neutral", "suspect", "hostile"};

/* The CoT affiliation letters (tak-cot.md §2.3), by enum cot_affil. */
static const char affil_letters[COT_AFF_COUNT] = {'u', 'p', 'a', 'f', 'n', 's', 'h'};

/* What follows `a-x-` for each category: the MIL-STD-2525 battle dimension and, for a missile
 * in flight, the function (CoTtypes.xml: a-.-A air track, a-.-A-W-M missile in flight, a-.-S
 * sea surface, a-.-U subsurface, a-.-G ground, a-.-X other). */
static const char *const cat_suffix[COT_CAT_COUNT] = {"X", "A", "A-W-M", "S", "U", "G"};

void cot_type_for(enum cot_category cat, enum cot_affil aff, char *buf, size_t n)
{
    if ((int)cat < 0 || cat >= COT_CAT_COUNT)
        cat = COT_CAT_UNKNOWN;
    if ((int)aff < 0 || aff >= COT_AFF_COUNT)
        aff = COT_AFF_UNKNOWN;
    char t[COT_TYPE_MAX] = "a-?-";
    t[2] = affil_letters[aff];
    strcat(t, cat_suffix[cat]);
    cot_copy(buf, n, t);
}

const char *cot_how_for(enum cot_source src)
{
    switch (src) {
    case COT_SRC_DATALINK:
        return "m-r-t-j";
    case COT_SRC_FUSED:
        return "m-f";
    case COT_SRC_GPS:
        return "m-g";
    case COT_SRC_MACHINE:
        return "m-p";
    case COT_SRC_MANUAL:
    default:
        return "h-e";
    }
}

bool cot_type_parse(const char *type, enum cot_category *cat, enum cot_affil *aff)
{
    *cat = COT_CAT_UNKNOWN;
    *aff = COT_AFF_UNKNOWN;
    if (type[0] != 'a' || type[1] != '-' || !type[2] || (type[3] != '-' && type[3] != '\0'))
        return false;
    switch (type[2]) {
    case 'p':
        *aff = COT_AFF_PENDING;
        break;
    case 'a':
        *aff = COT_AFF_ASSUMED;
        break;
    case 'f':
        *aff = COT_AFF_FRIEND;
        break;
    case 'n':
        *aff = COT_AFF_NEUTRAL;
        break;
    case 's':
        *aff = COT_AFF_SUSPECT;
        break;
    case 'h':
    case 'j': /* joker, faker: exercise hostiles */
    case 'k':
        *aff = COT_AFF_HOSTILE;
        break;
    default:
        *aff = COT_AFF_UNKNOWN;
        break; /* u, o none specified, x other */
    }
    if (type[3] == '\0')
        return true;
    const char *d = type + 4; /* the battle dimension */
    if (d[0] == '\0' || (d[1] != '-' && d[1] != '\0' && d[1] != ';'))
        return true;
    switch (d[0]) {
    case 'A':
        *cat = strncmp(d, "A-W-M", 5) == 0 && (d[5] == '\0' || d[5] == '-' || d[5] == ';')
                   ? COT_CAT_MISSILE
                   : COT_CAT_AIR;
        break;
    case 'S':
        *cat = COT_CAT_MARITIME;
        break;
    case 'U':
        *cat = COT_CAT_SUBSURFACE;
        break;
    case 'G':
    case 'F':
        *cat = COT_CAT_GROUND;
        break; /* SOF are on the ground for the picture */
    default:
        break;
    }
    return true;
}

enum cot_source cot_how_parse(const char *how)
{
    if (strcmp(how, "m-r-t-j") == 0 || strncmp(how, "m-r-t-j-", 8) == 0)
        return COT_SRC_DATALINK;
    if (strcmp(how, "m-f") == 0 || strncmp(how, "m-f-", 4) == 0)
        return COT_SRC_FUSED;
    if (strcmp(how, "m-g") == 0 || strncmp(how, "m-g-", 4) == 0)
        return COT_SRC_GPS;
    if (how[0] == 'm' && (how[1] == '\0' || how[1] == '-'))
        return COT_SRC_MACHINE;
    return COT_SRC_MANUAL;
}

const char *cot_alert_type(void)
{
    return "a-h-A-W-M";
}

int cot_nations_mask(const struct kz_model *m, const char *list, uint64_t *mask, char *why,
                     size_t whylen)
{
    uint64_t v = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " ");
        size_t i = 0;
        for (; i < m->nnations && i < 64; i++)
            if (strlen(m->nations[i].id) == n && strncmp(m->nations[i].id, p, n) == 0)
                break;
        if (i == m->nnations || i >= 64) {
            kz_set_err(why, whylen, "nation '%.*s' is not in the structure", (int)(n < 40 ? n : 40),
                       p);
            return KZ_ENOTFOUND;
        }
        v |= UINT64_C(1) << i;
        p += n;
    }
    *mask = v;
    return 0;
}

void cot_nations_list(const struct kz_model *m, uint64_t mask, char *buf, size_t n)
{
    struct cot_out o = {.p = buf, .cap = n};
    if (n > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < m->nnations && i < 64; i++) {
        if (!(mask >> i & 1))
            continue;
        size_t before = o.len;
        if (o.len > 0)
            cot_out_raw(&o, " ", 1);
        cot_out_str(&o, m->nations[i].id);
        if (o.over) { /* cut at an id boundary */
            o.len = before;
            buf[before] = '\0';
            return;
        }
    }
}
