// client.mjs - a TAK client for people (docs/tak.md's walk-through): connects to a kizuna node's
// CoT gateway with a kizuna pki client certificate, prints every event it gets on one line, and
// can send one PLI.
//   node tests/tak/client.mjs --certs DIR --name CALLSIGN [--host H] [--port P]
//        [--pli LAT,LON[,RELEASABLE]] [--for SECONDS]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import TAK from '@tak-ps/node-tak';
import { about, pli } from './lib.mjs';

const { values: o } = parseArgs({ options: {
    certs: { type: 'string' }, name: { type: 'string' }, host: { type: 'string', default: 'localhost' },
    port: { type: 'string', default: '8089' }, pli: { type: 'string' }, for: { type: 'string', default: '0' },
} });
if (!o.certs || !o.name) {
    console.error('usage: node client.mjs --certs DIR --name CALLSIGN [--host H] [--port P] [--pli LAT,LON[,NATIONS]] [--for SECONDS]');
    process.exit(2);
}
const read = (f) => fs.readFileSync(path.join(o.certs, f), 'utf8');
const stamp = () => new Date().toISOString().slice(11, 23);
const tak = await TAK.connect(new URL(`ssl://${o.host}:${o.port}`), { cert: read(`${o.name}.pem`),
    key: read(`${o.name}.key`), ca: read('ca.pem'), rejectUnauthorized: true });
let said = false;
tak.on('ping', () => { if (!said) { said = true; console.log(`${stamp()} ${o.name}: connected to ${o.host}:${o.port}`); } });
tak.on('cot', (cot) => {
    const a = about(cot);
    if (a.type.startsWith('t-x-')) return; /* protocol control, not the picture */
    const mark = a.mark ? `${a.cls}//REL TO ${a.releasable.join(', ')}` : 'no marking';
    console.log(`${stamp()} ${o.name}: ${a.type} ${a.track || a.uid} at ${a.lat.toFixed(4)}, ${a.lon.toFixed(4)} (${mark})`);
});
tak.on('end', () => { console.log(`${stamp()} ${o.name}: the node closed the connection`); process.exit(1); });
tak.on('error', (e) => { console.error(`${o.name}: ${e.message}`); process.exit(1); });
if (o.pli) {
    const [lat, lon, rel] = o.pli.split(',');
    const mark = rel ? `<__kizuna cls="U" releasable="${rel.replace(/[+:]/g, ' ')}" kind="track"/>` : '';
    await tak.write([pli(`${o.name}-pli`, o.name, Number(lat), Number(lon), mark)]);
}
if (Number(o.for) > 0) setTimeout(() => { tak.destroy(); process.exit(0); }, Number(o.for) * 1000);
