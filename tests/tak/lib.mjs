// lib.mjs - the harness of the real TAK client tests: a PKI, client certificates from
// `kizuna pki client`, kizuna nodes with --cot on loopback, and @tak-ps/node-tak clients.
// Every wait is bounded; everything started here is stopped when the test ends (tak.cmake).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import TAK from '@tak-ps/node-tak';
import { CoTParser } from '@tak-ps/node-cot';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The test's context: the kizuna binary, the source tree, its DDS domain, a temporary directory.
export function context(argv) {
    const [kizuna, src, dom] = argv;
    if (!kizuna || !src || !dom) throw new Error('usage: run.mjs CASE KIZUNA SOURCE_DIR DOMAIN');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kz-tak.'));
    const domain = Number(dom);
    const ctx = {
        kizuna, src, domain, dir,
        structure: path.join(src, 'tests/data/example.yaml'),
        pki: path.join(dir, 'pki'),
        journal: path.join(dir, 'j'),
        // Ports of their own per domain (tests run in parallel), below the ephemeral range.
        port: (k) => 20000 + domain * 20 + k,
        nodes: [],
        clients: [],
    };
    return ctx;
}

// Runs kizuna to completion; its output, or an exception with its stderr.
export function kz(ctx, args, { ok = true } = {}) {
    const r = spawnSync(ctx.kizuna, args, { encoding: 'utf8', timeout: 60000, maxBuffer: 1 << 28 });
    if (ok && r.status !== 0)
        throw new Error(`kizuna ${args.join(' ')}: exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stderr}`);
    return r;
}

export function makePki(ctx) {
    kz(ctx, ['pki', 'init', '--structure', ctx.structure, '--out', ctx.pki]);
}

// A client certificate from kizuna pki client: {cert, key, ca} as PEM text.
export function issue(ctx, node, callsign, extra = [], pki = ctx.pki) {
    const out = path.join(ctx.dir, 'clients', path.basename(pki));
    kz(ctx, ['pki', 'client', '--structure', ctx.structure, '--pki', pki, '--node', node,
        '--name', callsign, '--out', out, '--p12-password', 'test', ...extra]);
    const read = (f) => fs.readFileSync(path.join(out, f), 'utf8');
    return { cert: read(`${callsign}.pem`), key: read(`${callsign}.key`), ca: read('ca.pem') };
}

// Starts node `id` with its CoT gateway on 127.0.0.1:port; waits until the port takes
// connections.
export async function startNode(ctx, id, port, { seconds = 90, args = [] } = {}) {
    const log = fs.openSync(path.join(ctx.dir, `${id}.log`), 'a');
    const p = spawn(ctx.kizuna, ['node', '--structure', ctx.structure, '--as', id, '--journal',
        ctx.journal, '--domain', String(ctx.domain), '--secure', ctx.pki, '--for',
        String(seconds), '--cot', `127.0.0.1:${port}`, ...args], { stdio: ['ignore', log, log] });
    const node = { id, port, p, exited: null };
    p.on('exit', (code, sig) => { node.exited = { code, sig }; });
    ctx.nodes.push(node);
    const t0 = Date.now();
    for (;;) {
        if (node.exited)
            throw new Error(`node ${id} exited (${JSON.stringify(node.exited)}):\n${nodeLog(ctx, id)}`);
        if (await portOpen(port)) return node;
        if (Date.now() - t0 > 20000)
            throw new Error(`node ${id}: nothing listens on ${port} after 20 s:\n${nodeLog(ctx, id)}`);
        await sleep(100);
    }
}

export function nodeLog(ctx, id) {
    try {
        return fs.readFileSync(path.join(ctx.dir, `${id}.log`), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
        return '(no log)';
    }
}

function portOpen(port) {
    return new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
    });
}

// A node-tak client with the given credentials, the node's name checked against its
// certificate (localhost, the default subjectAltName). Resolves once the TLS session is up and
// the node answered a ping (t-x-c-t-r), so that it is admitted, not just handshaken; every CoT
// it gets is kept in `cots` with the time it came.
export async function connect(ctx, name, creds, port, { within = 15000 } = {}) {
    const tak = await TAK.connect(new URL(`ssl://localhost:${port}`),
        { cert: creds.cert, key: creds.key, ca: creds.ca, rejectUnauthorized: true });
    const c = { name, tak, cots: [], closed: false, error: null };
    ctx.clients.push(c);
    tak.on('cot', (cot) => c.cots.push({ cot, at: Date.now() }));
    tak.on('error', (e) => { c.error = e; });
    tak.on('end', () => { c.closed = true; });
    tak.client.on('close', () => { c.closed = true; });
    const t0 = Date.now();
    while (!tak.open) {
        if (c.closed || c.error)
            throw new Error(`${name}: connection closed before the node answered a ping (${c.error ? c.error.message : 'closed'})`);
        if (Date.now() - t0 > within) throw new Error(`${name}: no pong within ${within} ms`);
        await sleep(50);
    }
    return c;
}

// What a CoT from kizuna says: its uid, type, the kizuna track id and the marking.
export function about(cot) {
    const ev = cot.raw.event;
    const mark = ev.detail && ev.detail.__kizuna ? ev.detail.__kizuna._attributes || {} : null;
    return {
        uid: ev._attributes.uid,
        type: ev._attributes.type,
        track: mark && mark.track ? String(mark.track) : '',
        cls: mark ? mark.cls : undefined,
        releasable: mark && mark.releasable ? String(mark.releasable).split(' ').filter(Boolean) : [],
        callsign: cot.callsign ? cot.callsign() : undefined,
        lat: ev.point ? Number(ev.point._attributes.lat) : NaN,
        lon: ev.point ? Number(ev.point._attributes.lon) : NaN,
        mark,
    };
}

// True when the CoT is about kizuna track `id` (or has that uid).
export const isTrack = (cot, id) => { const a = about(cot); return a.track === id || a.uid === id; };

// Waits until pred holds for one of c's CoTs; that CoT, or an exception after `ms`.
export async function waitFor(c, what, pred, ms) {
    const t0 = Date.now();
    for (;;) {
        const hit = c.cots.find((x) => pred(x.cot));
        if (hit) return hit;
        if (Date.now() - t0 > ms) throw new Error(`${c.name}: no ${what} within ${ms} ms (got ${c.cots.length} events: ${c.cots.slice(-5).map((x) => about(x.cot).uid).join(', ')})`);
        await sleep(50);
    }
}

export function never(c, what, pred) {
    const hit = c.cots.find((x) => pred(x.cot));
    if (hit) throw new Error(`${c.name} got ${what}: ${CoTParser.to_xml(hit.cot)}`);
}

// A PLI from a client: a friendly ground unit at lat, lon; `detail` is added as is.
export function pli(uid, callsign, lat, lon, detail = '') {
    const now = new Date(), stale = new Date(now.getTime() + 300000);
    return CoTParser.from_xml(`<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="h-e" ` +
        `time="${now.toISOString()}" start="${now.toISOString()}" stale="${stale.toISOString()}">` +
        `<point lat="${lat}" lon="${lon}" hae="10" ce="10" le="10"/>` +
        `<detail><contact callsign="${callsign}"/>${detail}</detail></event>`);
}

// kizuna journal of node `id`, one line per event (filtered by --what W when given).
export function journal(ctx, id, what) {
    const args = ['journal', ctx.journal, '--node', id];
    if (what) args.push('--what', what);
    return kz(ctx, args).stdout;
}

export async function waitJournal(ctx, id, what, re, ms) {
    const t0 = Date.now();
    for (;;) {
        const j = journal(ctx, id, what);
        const line = j.split('\n').find((l) => re.test(l));
        if (line) return line;
        if (Date.now() - t0 > ms) throw new Error(`${id}'s journal: no ${what || ''} line matching ${re} within ${ms} ms:\n${j.split('\n').slice(-15).join('\n')}`);
        await sleep(200);
    }
}

// Stops the clients, then the nodes (SIGTERM: a node must exit 0, or the test fails).
export async function finish(ctx, failed) {
    for (const c of ctx.clients) {
        try { c.tak.destroy(); } catch { /* already gone */ }
    }
    let bad = '';
    for (const n of ctx.nodes) {
        if (!n.exited) n.p.kill('SIGTERM');
        const t0 = Date.now();
        while (!n.exited && Date.now() - t0 < 20000) await sleep(50);
        if (!n.exited) {
            n.p.kill('SIGKILL');
            bad += `node ${n.id} did not stop within 20 s\n`;
        } else if (n.exited.code !== 0 && !failed) {
            bad += `node ${n.id} exited with ${JSON.stringify(n.exited)}\n${nodeLog(ctx, n.id)}\n`;
        }
    }
    if (failed || bad)
        for (const n of ctx.nodes) console.error(`---- ${n.id} (last 30 lines)\n${nodeLog(ctx, n.id)}`);
    if (!process.env.KZ_KEEP) fs.rmSync(ctx.dir, { recursive: true, force: true });
    else console.error(`kept ${ctx.dir}`);
    return bad;
}

// A raw TLS connection with the given credentials (cert/key may be absent), for what node-tak
// cannot do: present no certificate, or stop reading. Resolves with the socket once the
// handshake is done from the client's side (TLS 1.3: the server may still refuse after).
export function rawTls(port, creds, { pause = false } = {}) {
    return new Promise((resolve, reject) => {
        const s = tls.connect({ host: 'localhost', port, ca: creds.ca, cert: creds.cert,
            key: creds.key, rejectUnauthorized: true }, () => {
            if (pause) s.pause();
            resolve(s);
        });
        s.on('error', reject);
    });
}
