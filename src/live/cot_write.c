/* cot_write.c - the CoT XML writer: a cot_event to deterministic, escaped XML. */
#include <stdio.h>
#include <string.h>

#include "kizuna/error.h"
#include "live/cot.h"

/* The version a takp message names when none is set. */
enum { TAKP_VERSION_1 = 1 };

static void time_attr(struct cot_out *o, const char *name, int64_t ms)
{
    char t[40];
    cot_time_format(ms, t, sizeof t);
    cot_out_attr(o, name, t);
}

/* The children of <detail> the protobuf Detail carries in typed fields. */
static void typed_detail(struct cot_out *o, const struct cot_event *ev)
{
    if (ev->callsign[0] || ev->endpoint[0]) {
        cot_out_str(o, "<contact");
        if (ev->callsign[0])
            cot_out_attr(o, "callsign", ev->callsign);
        if (ev->endpoint[0])
            cot_out_attr(o, "endpoint", ev->endpoint);
        cot_out_str(o, "/>");
    }
    if (ev->group_name[0] || ev->group_role[0]) {
        cot_out_str(o, "<__group");
        cot_out_attr(o, "name", ev->group_name);
        cot_out_attr(o, "role", ev->group_role);
        cot_out_str(o, "/>");
    }
    if (ev->has_track) {
        cot_out_str(o, "<track");
        cot_out_num(o, "speed", ev->speed);
        cot_out_num(o, "course", ev->course);
        cot_out_str(o, "/>");
    }
}

static void takcontrol(struct cot_out *o, const struct cot_event *ev)
{
    if (ev->ctl != COT_CTL_TAKP_V && ev->ctl != COT_CTL_TAKP_Q && ev->ctl != COT_CTL_TAKP_R)
        return;
    cot_out_str(o, "<TakControl>");
    if (ev->ctl == COT_CTL_TAKP_R) {
        cot_out_str(o, "<TakResponse");
        cot_out_attr(o, "status", ev->takp_status ? "true" : "false");
    } else {
        char v[16];
        snprintf(v, sizeof v, "%d", ev->takp_version > 0 ? ev->takp_version : TAKP_VERSION_1);
        cot_out_str(o, ev->ctl == COT_CTL_TAKP_V ? "<TakProtocolSupport" : "<TakRequest");
        cot_out_attr(o, "version", v);
    }
    cot_out_str(o, "/></TakControl>");
}

static void mark(struct cot_out *o, const struct cot_mark *mk)
{
    static const char *const cls[] = {"U", "C", "S", "TS"};
    static const char *const kinds[COT_KIND_COUNT] = {"track", "alert", "report"};
    if (!mk->present)
        return;
    cot_out_str(o, "<__kizuna");
    cot_out_attr(o, "cls", mk->cls >= 0 && mk->cls < 4 ? cls[mk->cls] : "TS");
    cot_out_attr(o, "releasable", mk->releasable);
    cot_out_attr(o, "disclosable", mk->disclosable);
    cot_out_attr(o, "node", mk->node);
    cot_out_attr(o, "track", mk->track);
    cot_out_attr(o, "kind",
                 mk->kind >= 0 && mk->kind < COT_KIND_COUNT ? kinds[mk->kind] : "report");
    cot_out_str(o, "/>");
}

static void flow_tag(struct cot_out *o, const struct cot_event *ev)
{
    if (!ev->flow_add[0])
        return;
    /* The attribute name is ours to make an XML name of. */
    char name[7 + COT_ID_MAX] = "kizuna-";
    size_t n = 7;
    for (const char *p = ev->flow_add; *p && n < sizeof name - 1; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        name[n++] = ok ? c : '_';
    }
    name[n] = '\0';
    char t[40];
    cot_time_format(ev->time_ms, t, sizeof t);
    cot_out_str(o, "<_flow-tags_");
    cot_out_attr(o, name, t);
    cot_out_str(o, "/>");
}

/* Everything of <detail> but the typed children, in a fixed order. */
static void rest_detail(struct cot_out *o, const struct cot_event *ev)
{
    if (ev->remarks[0]) {
        cot_out_str(o, "<remarks>");
        cot_out_esc(o, ev->remarks, strlen(ev->remarks), false);
        cot_out_str(o, "</remarks>");
    }
    if (ev->ndest > 0) {
        cot_out_str(o, "<marti>");
        for (int i = 0; i < ev->ndest && i < COT_DEST_MAX; i++) {
            cot_out_str(o, "<dest");
            if (ev->dest[i].callsign[0])
                cot_out_attr(o, "callsign", ev->dest[i].callsign);
            if (ev->dest[i].uid[0])
                cot_out_attr(o, "uid", ev->dest[i].uid);
            cot_out_str(o, "/>");
        }
        cot_out_str(o, "</marti>");
    }
    if (ev->ctl == COT_CTL_DELETE && ev->link_uid[0]) {
        cot_out_str(o, "<link");
        cot_out_attr(o, "uid", ev->link_uid);
        cot_out_attr(o, "relation", "none");
        cot_out_attr(o, "type", "none");
        cot_out_str(o, "/>");
    }
    takcontrol(o, ev);
    mark(o, &ev->mark);
    flow_tag(o, ev);
    cot_out_str(o, ev->extra);
}

static int done(struct cot_out *o, size_t *len)
{
    *len = o->len;
    return o->over ? KZ_ELIMIT : 0;
}

int cot_write(const struct cot_event *ev, char *buf, size_t cap, size_t *len)
{
    struct cot_out o = {.p = buf, .cap = cap};
    if (cap > 0)
        buf[0] = '\0';
    cot_out_str(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
    cot_out_str(&o, "<event version=\"2.0\"");
    cot_out_attr(&o, "uid", ev->uid);
    cot_out_attr(&o, "type", ev->type);
    cot_out_attr(&o, "how", ev->how);
    time_attr(&o, "time", ev->time_ms);
    time_attr(&o, "start", ev->start_ms);
    time_attr(&o, "stale", ev->stale_ms);
    const struct {
        const char *name, *v;
    } opt[] = {{"access", ev->access},
               {"qos", ev->qos},
               {"opex", ev->opex},
               {"caveat", ev->caveat},
               /* TAK Server's spelling (tak.server.federation.ProtoBufHelper). */
               {"releaseableTo", ev->releasable_to}};
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
        if (opt[i].v[0])
            cot_out_attr(&o, opt[i].name, opt[i].v);
    cot_out_str(&o, "><point");
    cot_out_num(&o, "lat", ev->lat);
    cot_out_num(&o, "lon", ev->lon);
    cot_out_num(&o, "hae", ev->hae);
    cot_out_num(&o, "ce", ev->ce);
    cot_out_num(&o, "le", ev->le);
    cot_out_str(&o, "/>");
    size_t before = o.len;
    cot_out_str(&o, "<detail>");
    size_t inner = o.len;
    typed_detail(&o, ev);
    rest_detail(&o, ev);
    if (!o.over && o.len == inner) { /* nothing in it: no <detail> at all */
        o.len = before;
        buf[o.len] = '\0';
    } else {
        cot_out_str(&o, "</detail>");
    }
    cot_out_str(&o, "</event>");
    return done(&o, len);
}

int cot_write_xml_detail(const struct cot_event *ev, bool typed, char *buf, size_t cap,
                         size_t *len)
{
    struct cot_out o = {.p = buf, .cap = cap};
    if (cap > 0)
        buf[0] = '\0';
    if (typed)
        typed_detail(&o, ev);
    rest_detail(&o, ev);
    return done(&o, len);
}

bool cot_extra_has_typed(const struct cot_event *ev)
{
    static const char *const names[] = {"<contact", "<__group", "<track"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        for (const char *p = strstr(ev->extra, names[i]); p; p = strstr(p + 1, names[i]))
            if (p[n] == ' ' || p[n] == '/' || p[n] == '>' || p[n] == '\t' || p[n] == '\n' ||
                p[n] == '\r')
                return true;
    }
    return false;
}
