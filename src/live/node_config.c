/* node_config.c - the DDS configuration a node opens its participant with, built to size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "node_impl.h"

#define SECURITY_XML_MAX (1u << 20) /* a <Security> element longer than this is refused */

int nd_dds_config(const struct kz_node_options *o, char **out, char *err, size_t errlen)
{
    *out = NULL;
    const char *base = o->dds_config ? o->dds_config : getenv("CYCLONEDDS_URI");
    if (!base || !*base)
        base = dx_loopback_config;
    if (!o->secure_dir) {
        *out = strdup(base);
        return *out ? 0 : KZ_ENOMEM;
    }
    /* kz_pki_security_xml says KZ_ELIMIT when the buffer is short: ask again, larger */
    char *sec = NULL;
    int rc = KZ_ELIMIT;
    for (size_t cap = 4096; rc == KZ_ELIMIT && cap <= SECURITY_XML_MAX; cap *= 4) {
        free(sec);
        if (!(sec = malloc(cap)))
            return KZ_ENOMEM;
        rc = kz_pki_security_xml(o->secure_dir, o->node, sec, cap, err, errlen);
    }
    if (rc) {
        free(sec);
        return rc;
    }
    static const char pre[] = ",<CycloneDDS><Domain Id=\"any\">", post[] = "</Domain></CycloneDDS>";
    size_t n = strlen(base) + strlen(pre) + strlen(sec) + sizeof post;
    char *cfg = malloc(n);
    if (cfg)
        snprintf(cfg, n, "%s%s%s%s", base, pre, sec, post);
    free(sec);
    if (!cfg)
        return KZ_ENOMEM;
    *out = cfg;
    return 0;
}
