/* cot_xml.c - the CoT XML parser (expat): untrusted bytes to a checked cot_event. */
#include <expat.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "live/cot.h"

/* What the parser is inside of, among the children of <detail>. */
enum cur { C_NONE, C_REMARKS, C_MARTI, C_TAKCONTROL, C_EXTRA, C_IGNORE };

struct px {
    XML_Parser p;
    struct cot_event *ev;
    int err; /* first error (0: none) */
    char *why;
    size_t whylen;
    bool detail_only; /* cot_parse_detail: the root is our <detail> wrapper */
    int depth;        /* of the element being handled (root = 1) */
    int dd;           /* depth of <detail>'s children */
    bool in_detail, seen_event, seen_point, seen_detail, seen_mark, seen_link;
    bool seen_contact, seen_group, seen_track, seen_remarks;
    enum cur cur;
    int ignore_depth; /* > 0: inside an ignored element that began at this depth */
    /* An unmodelled <detail> child, serialised into ev->extra. */
    struct cot_out x;
    size_t x_start; /* ev->extra's length before the element */
    bool x_open;    /* its last start tag still lacks its '>' */
    char text[COT_EXTRA_MAX];
    size_t tlen;
    bool tover;
};

/* Records the first error, with the place, and stops expat. */
__attribute__((format(printf, 3, 4))) static void fail(struct px *px, int err, const char *fmt, ...)
{
    if (px->err)
        return;
    px->err = err;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kz_set_err(px->why, px->whylen, "line %lu col %lu: %s",
               (unsigned long)XML_GetCurrentLineNumber(px->p),
               (unsigned long)XML_GetCurrentColumnNumber(px->p) + 1, msg);
    XML_StopParser(px->p, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* Copies an attribute into a fixed field; refuses what does not fit. */
static bool take(struct px *px, const char *elem, const char *name, const char *v, char *dst,
                 size_t cap)
{
    if (!v)
        return true;
    if (!cot_copy(dst, cap, v)) {
        fail(px, KZ_ELIMIT, "<%s %s=> is longer than %zu bytes", elem, name, cap - 1);
        return false;
    }
    return true;
}

static bool number(struct px *px, const char *elem, const char *name, const char *v, double lo,
                   double hi, double *out)
{
    if (!v) {
        fail(px, KZ_ECHECK, "<%s> has no %s", elem, name);
        return false;
    }
    int rc = kz_parse_double(v, lo, hi, out);
    if (rc == KZ_EPARSE) {
        fail(px, KZ_ECHECK, "<%s %s=\"%.40s\"> is not a finite number", elem, name, v);
        return false;
    }
    if (rc) {
        fail(px, KZ_ECHECK, "<%s %s=\"%.40s\"> is outside [%g, %g]", elem, name, v, lo, hi);
        return false;
    }
    return true;
}

static bool when(struct px *px, const XML_Char **atts, const char *name, int64_t *out)
{
    const char *v = attr(atts, name);
    if (!v) {
        fail(px, KZ_ECHECK, "<event> has no %s", name);
        return false;
    }
    if (cot_time_parse(v, out)) {
        fail(px, KZ_ECHECK, "<event %s=\"%.40s\"> is not CCYY-MM-DDThh:mm:ss[.s]Z", name, v);
        return false;
    }
    return true;
}

static void event_start(struct px *px, const XML_Char **atts)
{
    struct cot_event *ev = px->ev;
    const char *version = attr(atts, "version");
    double ver;
    if (!version || kz_parse_double(version, 2, 1e6, &ver)) {
        fail(px, KZ_ECHECK, "<event version=> must be a number >= 2 (\"2.0\")");
        return;
    }
    const char *uid = attr(atts, "uid"), *type = attr(atts, "type"), *how = attr(atts, "how");
    if (!uid || !*uid) {
        fail(px, KZ_ECHECK, "<event> has no uid");
        return;
    }
    if (!take(px, "event", "uid", uid, ev->uid, sizeof ev->uid))
        return;
    if (!type || !cot_type_ok(type)) {
        fail(px, KZ_ECHECK, "<event type=\"%.40s\"> does not match \\w+(-\\w+)*(;[^;]*)?",
             type ? type : "");
        return;
    }
    if (!take(px, "event", "type", type, ev->type, sizeof ev->type))
        return;
    if (!how || !cot_how_ok(how)) {
        fail(px, KZ_ECHECK, "<event how=\"%.40s\"> does not match \\w(-\\w+)*", how ? how : "");
        return;
    }
    if (!take(px, "event", "how", how, ev->how, sizeof ev->how))
        return;
    if (!when(px, atts, "time", &ev->time_ms) || !when(px, atts, "start", &ev->start_ms) ||
        !when(px, atts, "stale", &ev->stale_ms))
        return;
    /* TAK Server writes releaseableTo (tak.server.federation.ProtoBufHelper); MIL-STD-6090's
     * spelling is releasableTo: either is read. */
    const char *rel = attr(atts, "releasableTo");
    if (!rel)
        rel = attr(atts, "releaseableTo");
    if (!take(px, "event", "access", attr(atts, "access"), ev->access, sizeof ev->access) ||
        !take(px, "event", "caveat", attr(atts, "caveat"), ev->caveat, sizeof ev->caveat) ||
        !take(px, "event", "releasableTo", rel, ev->releasable_to, sizeof ev->releasable_to) ||
        !take(px, "event", "qos", attr(atts, "qos"), ev->qos, sizeof ev->qos) ||
        !take(px, "event", "opex", attr(atts, "opex"), ev->opex, sizeof ev->opex))
        return;
    cot_event_classify(ev);
}

static void point_start(struct px *px, const XML_Char **atts)
{
    struct cot_event *ev = px->ev;
    if (px->seen_point) {
        fail(px, KZ_ECHECK, "a second <point>");
        return;
    }
    px->seen_point = true;
    if (number(px, "point", "lat", attr(atts, "lat"), -90, 90, &ev->lat) &&
        number(px, "point", "lon", attr(atts, "lon"), -180, 180, &ev->lon) &&
        number(px, "point", "hae", attr(atts, "hae"), -1e300, 1e300, &ev->hae) &&
        number(px, "point", "ce", attr(atts, "ce"), -1e300, 1e300, &ev->ce))
        number(px, "point", "le", attr(atts, "le"), -1e300, 1e300, &ev->le);
}

/* A nation list of the marking: ids of [A-Za-z0-9_-], normalised to single spaces. */
static bool nations(struct px *px, const char *name, const char *v, char *dst, size_t cap)
{
    size_t n = 0;
    dst[0] = '\0';
    if (!v)
        return true;
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
                      (*q >= '0' && *q <= '9') || *q == '_' || *q == '-'))
            q++;
        if (q == p || (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r' && *q != ',')) {
            fail(px, KZ_ECHECK, "<__kizuna %s=\"%.40s\">: a nation id is [A-Za-z0-9_-]", name, v);
            return false;
        }
        size_t len = (size_t)(q - p);
        if (n + (n > 0) + len + 1 > cap) {
            fail(px, KZ_ELIMIT, "<__kizuna %s=> is longer than %zu bytes", name, cap - 1);
            return false;
        }
        if (n > 0)
            dst[n++] = ' ';
        memcpy(dst + n, p, len);
        n += len;
        dst[n] = '\0';
        p = q;
    }
    return true;
}

/* A kizuna id (node, track): printable, no spaces, no quotes or angle brackets. */
static bool ident(struct px *px, const char *name, const char *v, char *dst, size_t cap)
{
    if (!v) {
        dst[0] = '\0';
        return true;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p <= ' ' || *p == '"' || *p == '\'' || *p == '<' || *p == '>' || *p == '&') {
            fail(px, KZ_ECHECK, "<__kizuna %s=\"%.40s\"> is not an id", name, v);
            return false;
        }
    return take(px, "__kizuna", name, v, dst, cap);
}

static void mark_start(struct px *px, const XML_Char **atts)
{
    struct cot_mark *mk = &px->ev->mark;
    if (px->seen_mark) {
        fail(px, KZ_ECHECK, "a second <__kizuna> marking");
        return;
    }
    px->seen_mark = true;
    static const char *const cls[] = {"U", "C", "S", "TS"};
    const char *c = attr(atts, "cls");
    mk->cls = -1;
    for (int i = 0; c && i < 4; i++)
        if (strcmp(c, cls[i]) == 0)
            mk->cls = i;
    if (mk->cls < 0) {
        fail(px, KZ_ECHECK, "<__kizuna cls=\"%.40s\"> is not U, C, S or TS", c ? c : "");
        return;
    }
    static const char *const kinds[COT_KIND_COUNT] = {"track", "alert", "report"};
    const char *k = attr(atts, "kind");
    int kind = k ? -1 : COT_KIND_TRACK;
    for (int i = 0; k && i < COT_KIND_COUNT; i++)
        if (strcmp(k, kinds[i]) == 0)
            kind = i;
    if (kind < 0) {
        fail(px, KZ_ECHECK, "<__kizuna kind=\"%.40s\"> is not track, alert or report", k);
        return;
    }
    mk->kind = (enum cot_kind)kind;
    if (nations(px, "releasable", attr(atts, "releasable"), mk->releasable,
                sizeof mk->releasable) &&
        nations(px, "disclosable", attr(atts, "disclosable"), mk->disclosable,
                sizeof mk->disclosable) &&
        ident(px, "node", attr(atts, "node"), mk->node, sizeof mk->node) &&
        ident(px, "track", attr(atts, "track"), mk->track, sizeof mk->track))
        mk->present = true;
}

static void flow_start(struct px *px, const XML_Char **atts)
{
    struct cot_event *ev = px->ev;
    for (int i = 0; atts[i]; i += 2) {
        if (strncmp(atts[i], "kizuna-", 7) != 0 || !atts[i][7])
            continue;
        if (!ev->flow_kizuna)
            cot_copy(ev->flow_from, sizeof ev->flow_from, atts[i] + 7); /* cut if too long */
        ev->flow_kizuna = true;
    }
}

static void dest_start(struct px *px, const XML_Char **atts)
{
    struct cot_event *ev = px->ev;
    const char *cs = attr(atts, "callsign"), *uid = attr(atts, "uid");
    if ((!cs || !*cs) && (!uid || !*uid))
        return; /* mission= and other destinations are not modelled */
    if (ev->ndest >= COT_DEST_MAX) {
        fail(px, KZ_ELIMIT, "more than %d <marti><dest>", COT_DEST_MAX);
        return;
    }
    struct cot_dest *d = &ev->dest[ev->ndest];
    if (take(px, "dest", "callsign", cs, d->callsign, sizeof d->callsign) &&
        take(px, "dest", "uid", uid, d->uid, sizeof d->uid))
        ev->ndest++;
}

static void takcontrol_child(struct px *px, const char *name, const XML_Char **atts)
{
    struct cot_event *ev = px->ev;
    const char *v = attr(atts, strcmp(name, "TakResponse") == 0 ? "status" : "version");
    if (strcmp(name, "TakResponse") == 0) {
        ev->takp_status = v && strcmp(v, "true") == 0;
        return;
    }
    if (strcmp(name, "TakProtocolSupport") != 0 && strcmp(name, "TakRequest") != 0)
        return;
    long ver;
    if (!v || kz_parse_long(v, 0, 1000000, &ver)) {
        fail(px, KZ_ECHECK, "<%s version=\"%.40s\"> is not a version number", name, v ? v : "");
        return;
    }
    if ((int)ver > ev->takp_version)
        ev->takp_version = (int)ver;
}

/* ---- unmodelled detail children, re-serialised into ev->extra -------------------------- */

static void x_flush(struct px *px)
{
    if (px->x_open) {
        cot_out_raw(&px->x, ">", 1);
        px->x_open = false;
    }
    bool blank = true;
    for (size_t i = 0; i < px->tlen && blank; i++)
        blank =
            px->text[i] == ' ' || px->text[i] == '\t' || px->text[i] == '\n' || px->text[i] == '\r';
    if (px->tover)
        px->x.over = true;
    else if (!blank)
        cot_out_esc(&px->x, px->text, px->tlen, false);
    px->tlen = 0;
    px->tover = false;
}

static void x_start(struct px *px, const char *name, const XML_Char **atts)
{
    if (px->x_open || px->tlen)
        x_flush(px);
    cot_out_raw(&px->x, "<", 1);
    cot_out_str(&px->x, name);
    for (int i = 0; atts[i]; i += 2)
        cot_out_attr(&px->x, atts[i], atts[i + 1]);
    px->x_open = true;
}

static void x_end(struct px *px, const char *name)
{
    if (px->tlen)
        x_flush(px);
    if (px->x_open) {
        cot_out_raw(&px->x, "/>", 2);
        px->x_open = false;
    } else {
        cot_out_raw(&px->x, "</", 2);
        cot_out_str(&px->x, name);
        cot_out_raw(&px->x, ">", 1);
    }
}

static void begin_extra(struct px *px, const char *name, const XML_Char **atts)
{
    px->cur = C_EXTRA;
    px->x_start = px->x.len;
    x_start(px, name, atts);
}

static void end_extra(struct px *px)
{
    if (px->x.over) { /* it does not fit: left out whole */
        px->x.over = false;
        px->x.len = px->x_start;
        px->x.p[px->x.len] = '\0';
        px->ev->extra_dropped++;
    }
}

/* ---- expat handlers ---------------------------------------------------------------------- */

static void detail_child(struct px *px, const char *name, const XML_Char **atts)
{
    struct cot_event *ev = px->ev;
    /* The event's own contact, group and track are the first that give it a value: one that
     * gives nothing (<contact/>) is dropped, as the writer would drop it, so a later one is the
     * event's on every reading (a fixed point: fuzz/cot_invariants.h). */
    if (strcmp(name, "contact") == 0 && !px->seen_contact) {
        px->cur = C_IGNORE;
        if (take(px, "contact", "callsign", attr(atts, "callsign"), ev->callsign,
                 sizeof ev->callsign))
            take(px, "contact", "endpoint", attr(atts, "endpoint"), ev->endpoint,
                 sizeof ev->endpoint);
        px->seen_contact = ev->callsign[0] || ev->endpoint[0];
    } else if (strcmp(name, "__group") == 0 && !px->seen_group) {
        px->cur = C_IGNORE;
        if (take(px, "__group", "name", attr(atts, "name"), ev->group_name, sizeof ev->group_name))
            take(px, "__group", "role", attr(atts, "role"), ev->group_role, sizeof ev->group_role);
        px->seen_group = ev->group_name[0] || ev->group_role[0];
    } else if (strcmp(name, "track") == 0 && !px->seen_track) {
        px->cur = C_IGNORE;
        if (number(px, "track", "speed", attr(atts, "speed"), -1e300, 1e300, &ev->speed) &&
            number(px, "track", "course", attr(atts, "course"), -1e300, 1e300, &ev->course))
            ev->has_track = true;
        px->seen_track = ev->has_track;
    } else if (strcmp(name, "remarks") == 0 && !px->seen_remarks) {
        px->seen_remarks = true;
        px->cur = C_REMARKS;
    } else if (strcmp(name, "marti") == 0) {
        px->cur = C_MARTI;
    } else if (strcmp(name, "__kizuna") == 0) {
        px->cur = C_IGNORE;
        mark_start(px, atts);
    } else if (strcmp(name, "_flow-tags_") == 0) {
        px->cur = C_IGNORE;
        flow_start(px, atts);
    } else if (strcmp(name, "link") == 0 && ev->ctl == COT_CTL_DELETE && !px->seen_link) {
        px->seen_link = true;
        px->cur = C_IGNORE;
        const char *uid = attr(atts, "uid");
        if (!uid || !*uid)
            fail(px, KZ_ECHECK, "t-x-d-d: <link> has no uid");
        else
            take(px, "link", "uid", uid, ev->link_uid, sizeof ev->link_uid);
    } else if (strcmp(name, "TakControl") == 0 &&
               (ev->ctl == COT_CTL_TAKP_V || ev->ctl == COT_CTL_TAKP_Q ||
                ev->ctl == COT_CTL_TAKP_R)) {
        px->cur = C_TAKCONTROL;
    } else {
        if (strcmp(name, "emergency") == 0) { /* a fact; the element itself is kept */
            const char *c = attr(atts, "cancel");
            if (c && strcmp(c, "true") == 0)
                ev->emergency_cancel = true;
            else
                ev->emergency = true;
        }
        begin_extra(px, name, atts);
    }
    if (px->cur == C_IGNORE)
        px->ignore_depth = px->depth;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct px *px = ud;
    if (px->err)
        return;
    px->depth++;
    if (px->depth > COT_DEPTH_MAX) {
        fail(px, KZ_ELIMIT, "elements nested deeper than %d", COT_DEPTH_MAX);
        return;
    }
    int na = 0;
    for (; atts[na]; na += 2)
        if (strlen(atts[na + 1]) > COT_ATTR_MAX) {
            fail(px, KZ_ELIMIT, "<%.40s %.40s=> is longer than %d bytes", name, atts[na],
                 COT_ATTR_MAX);
            return;
        }
    if (na / 2 > COT_NATTR_MAX) {
        fail(px, KZ_ELIMIT, "<%.40s> has more than %d attributes", name, COT_NATTR_MAX);
        return;
    }
    if (px->depth == 1) {
        if (px->detail_only) {
            px->in_detail = true;
            return;
        }
        if (strcmp(name, "event") != 0) {
            fail(px, KZ_ECHECK, "the root element is <%.40s>, not <event>", name);
            return;
        }
        px->seen_event = true;
        event_start(px, atts);
        return;
    }
    if (px->ignore_depth)
        return;
    if (px->cur == C_EXTRA) {
        x_start(px, name, atts);
        return;
    }
    if (!px->detail_only && px->depth == 2) {
        if (strcmp(name, "point") == 0) {
            point_start(px, atts);
        } else if (strcmp(name, "detail") == 0) {
            if (px->seen_detail) {
                fail(px, KZ_ECHECK, "a second <detail>");
                return;
            }
            px->seen_detail = px->in_detail = true;
            return;
        }
        px->ignore_depth = px->depth; /* <point>'s children, unknown children of <event> */
        return;
    }
    if (px->depth == px->dd) {
        detail_child(px, name, atts);
        return;
    }
    if (px->depth == px->dd + 1 && px->cur == C_MARTI && strcmp(name, "dest") == 0)
        dest_start(px, atts);
    else if (px->depth == px->dd + 1 && px->cur == C_TAKCONTROL)
        takcontrol_child(px, name, atts);
    px->ignore_depth = px->depth;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct px *px = ud;
    if (px->err)
        return;
    if (px->ignore_depth == px->depth)
        px->ignore_depth = 0;
    if (px->cur == C_EXTRA && px->depth >= px->dd) {
        x_end(px, name);
        if (px->depth == px->dd)
            end_extra(px);
    }
    if (px->depth == px->dd) {
        px->cur = C_NONE;
        px->ignore_depth = 0;
    }
    if (px->depth == px->dd - 1)
        px->in_detail = false;
    px->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct px *px = ud;
    if (px->err || len <= 0)
        return;
    size_t n = (size_t)len;
    if (px->cur == C_REMARKS && px->depth == px->dd && !px->ignore_depth) {
        struct cot_event *ev = px->ev;
        size_t have = strlen(ev->remarks), room = sizeof ev->remarks - 1 - have;
        if (n > room) {
            n = room;
            /* Cut before a partial UTF-8 sequence. */
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                n--;
            ev->remarks_cut = true;
        }
        memcpy(ev->remarks + have, s, n);
        ev->remarks[have + n] = '\0';
    } else if (px->cur == C_EXTRA && !px->ignore_depth) {
        if (n > sizeof px->text - px->tlen) {
            px->tover = true;
            return;
        }
        memcpy(px->text + px->tlen, s, n);
        px->tlen += n;
    }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    fail(ud, KZ_EPARSE, "DOCTYPE refused (no DTDs in CoT)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_length, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)is_param, (void)value, (void)value_length, (void)base, (void)sysid, (void)pubid,
        (void)notation;
    fail(ud, KZ_EPARSE, "entity declaration '%.40s' refused", name);
}

/* expat's hash salt (against inputs crafted to collide in its hash tables), drawn once per
 * thread rather than once per parser: expat's own draw for every event cost the gateway 2-7 % of
 * its time in getrandom (bench/RESULTS.md). 0 when the draw failed: expat then draws its own. */
static unsigned long hash_salt(void)
{
    static _Thread_local unsigned long salt;
    if (!salt && getrandom(&salt, sizeof salt, 0) != (ssize_t)sizeof salt)
        salt = 0;
    return salt;
}

static int parse(const char *xml, size_t len, struct cot_event *ev, bool detail_only, char *why,
                 size_t whylen)
{
    struct px px = {.ev = ev, .why = why, .whylen = whylen, .detail_only = detail_only};
    px.dd = detail_only ? 2 : 3;
    if (len > (size_t)INT_MAX / 2)
        return kz_set_err(why, whylen, "input over %d bytes", INT_MAX / 2), KZ_ELIMIT;
    /* UTF-8 whatever the document declares: every string we keep is UTF-8. */
    px.p = XML_ParserCreate("UTF-8");
    if (!px.p)
        return kz_set_err(why, whylen, "out of memory"), KZ_ENOMEM;
    unsigned long salt = hash_salt();
    if (salt)
        XML_SetHashSalt(px.p, salt);
    XML_SetUserData(px.p, &px);
    XML_SetParamEntityParsing(px.p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetStartDoctypeDeclHandler(px.p, on_doctype);
    XML_SetEntityDeclHandler(px.p, on_entity);
    XML_SetElementHandler(px.p, on_start, on_end);
    XML_SetCharacterDataHandler(px.p, on_text);
    /* Appends to what ev->extra holds (a protobuf decode may have put typed parts there). */
    px.x = (struct cot_out){.p = ev->extra, .cap = sizeof ev->extra, .len = strlen(ev->extra)};

    int ok = 1;
    if (detail_only)
        ok = XML_Parse(px.p, "<detail>", 8, XML_FALSE) != XML_STATUS_ERROR;
    if (ok)
        ok = XML_Parse(px.p, xml, (int)len, detail_only ? XML_FALSE : XML_TRUE) != XML_STATUS_ERROR;
    if (ok && detail_only)
        ok = XML_Parse(px.p, "</detail>", 9, XML_TRUE) != XML_STATUS_ERROR;
    if (!ok && !px.err) {
        px.err = KZ_EPARSE;
        kz_set_err(why, whylen, "line %lu col %lu: %s",
                   (unsigned long)XML_GetCurrentLineNumber(px.p),
                   (unsigned long)XML_GetCurrentColumnNumber(px.p) + 1,
                   XML_ErrorString(XML_GetErrorCode(px.p)));
    }
    if (!px.err && !detail_only && !px.seen_point) {
        px.err = KZ_ECHECK;
        kz_set_err(why, whylen, "<event> has no <point>");
    }
    if (!px.err && ev->ctl == COT_CTL_DELETE && !ev->link_uid[0] && !detail_only) {
        px.err = KZ_ECHECK;
        kz_set_err(why, whylen, "t-x-d-d has no <link uid=> naming what to delete");
    }
    XML_ParserFree(px.p);
    return px.err;
}

int cot_parse(const char *xml, size_t len, struct cot_event *ev, char *why, size_t whylen)
{
    cot_event_init(ev);
    int rc = parse(xml, len, ev, false, why, whylen);
    if (rc)
        cot_event_init(ev);
    return rc;
}

int cot_parse_detail(const char *xml, size_t len, struct cot_event *ev, char *why, size_t whylen)
{
    return parse(xml, len, ev, true, why, whylen);
}
